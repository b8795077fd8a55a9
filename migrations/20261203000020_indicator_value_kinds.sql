-- What kind of number each indicator is (issue 10): the wall, the hot issues and the Excel
-- exports compute "so cùng kỳ" and "so tháng trước" from it (the rule is
-- `protocol::change`, shared by the server and the browser).
--   level       a stock at the end of the month               change = value / comparison − 1
--   flow        an amount over the month                      change = value / comparison − 1
--   index_yoy   index, same period last year = 100 (CPI, IIP) YoY change = value − 100
--   index_mom   index, previous month = 100                   MoM change = value − 100
--   index_base  index, a base year = 100 (2020 = 100)         compared like a level
--   rate        a percentage (unemployment)                   change in percentage points
ALTER TABLE series
    ADD COLUMN value_kind   text NOT NULL DEFAULT 'level'
        CHECK (value_kind IN ('level', 'flow', 'index_yoy', 'index_mom', 'index_base', 'rate')),
    -- The annual target is a budget plan; progress reads as its disbursement ("giải ngân x%
    -- kế hoạch"), as leaders read public investment. Only a year-to-date sum can be disbursed.
    ADD COLUMN disbursement boolean NOT NULL DEFAULT false;

UPDATE series SET value_kind = 'flow'
    WHERE code IN ('retail_sales', 'exports', 'imports', 'budget_revenue', 'public_investment',
                   'new_enterprises', 'new_enterprise_capital');
-- CPI and IIP are published with the same period last year = 100. Their year to date ("CPI
-- bình quân", IIP "tính chung") is the statistics office's own figure (a ratio of averages of
-- base-year indices the catalogue does not hold), never the mean of the monthly indices: it is
-- reported with the figure or not shown, which is what the aggregation 'rate' means.
UPDATE series SET value_kind = 'index_yoy', aggregation = 'rate' WHERE code IN ('iip', 'cpi');
UPDATE series SET disbursement = true, name_vi = 'Vốn đầu tư thực hiện từ nguồn ngân sách nhà nước'
    WHERE code = 'public_investment';

ALTER TABLE series
    -- An index relative to last year or last month has no year to date that can be derived.
    ADD CONSTRAINT series_relative_index_reported
        CHECK (value_kind NOT IN ('index_yoy', 'index_mom') OR aggregation = 'rate'),
    ADD CONSTRAINT series_disbursement_cumulative CHECK (NOT disbursement OR cumulative);
