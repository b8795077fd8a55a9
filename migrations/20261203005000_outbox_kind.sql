-- Every message to the Government system names its kind, so the delivery worker hands an
-- acknowledged message to the domain that queued it (the indicators' monthly report today;
-- reporting regimes and tasks next) instead of knowing every domain itself. Messages queued so
-- far are all monthly indicator reports.
ALTER TABLE central_outbox ADD COLUMN kind text NOT NULL DEFAULT 'indicators.report';
ALTER TABLE central_outbox ALTER COLUMN kind DROP DEFAULT;
ALTER TABLE central_outbox ADD CONSTRAINT central_outbox_kind_named CHECK (kind ~ '^[a-z_]+(\.[a-z_]+)+$');
