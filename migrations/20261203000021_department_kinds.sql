-- Departments for any province (issue 10). Until now the organisation migration seeded Nghệ
-- An's departments only (parent 40). The kinds of department every province has are listed
-- here once, province-neutral; the server instantiates them for the province it is configured
-- for (`--province`) at start-up, idempotently (`units::departments::instantiate`), so a fresh
-- server for Hưng Yên (33) files its figures under 33 and its departments under its code.
-- Names may hold {province_vi} ("tỉnh Hưng Yên", "thành phố Hà Nội"), {name_vi} ("Hưng Yên")
-- and {name_en} ("Hung Yen").
CREATE TABLE department_kinds (
    code       text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9]{0,15}$'),
    name_vi    text NOT NULL CHECK (name_vi <> ''),
    name_en    text NOT NULL CHECK (name_en <> ''),
    subtype    text NOT NULL CHECK (subtype <> ''),
    sort_order integer NOT NULL
);

INSERT INTO department_kinds (code, name_vi, name_en, subtype, sort_order) VALUES
    ('vp', 'Văn phòng Ủy ban nhân dân {province_vi}', 'Office of the {name_en} People''s Committee', 'văn phòng', 10),
    ('stc', 'Sở Tài chính', 'Department of Finance', 'sở', 20),
    ('sct', 'Sở Công Thương', 'Department of Industry and Trade', 'sở', 30),
    ('snv', 'Sở Nội vụ', 'Department of Home Affairs', 'sở', 40),
    ('stp', 'Sở Tư pháp', 'Department of Justice', 'sở', 50),
    ('sxd', 'Sở Xây dựng', 'Department of Construction', 'sở', 60),
    ('snnmt', 'Sở Nông nghiệp và Môi trường', 'Department of Agriculture and Environment', 'sở', 70),
    ('sgddt', 'Sở Giáo dục và Đào tạo', 'Department of Education and Training', 'sở', 80),
    ('syt', 'Sở Y tế', 'Department of Health', 'sở', 90),
    ('skhcn', 'Sở Khoa học và Công nghệ', 'Department of Science and Technology', 'sở', 100),
    ('svhttdl', 'Sở Văn hóa, Thể thao và Du lịch', 'Department of Culture, Sports and Tourism', 'sở', 110),
    ('sdttg', 'Sở Dân tộc và Tôn giáo', 'Department of Ethnic Minorities and Religions', 'sở', 120),
    ('sngv', 'Sở Ngoại vụ', 'Department of Foreign Affairs', 'sở', 130),
    ('ttt', 'Thanh tra {province_vi}', '{name_en} Inspectorate', 'thanh tra', 140),
    ('ttpvhcc', 'Trung tâm Phục vụ hành chính công {province_vi}', '{name_en} Public Administrative Service Centre', 'trung tâm', 160),
    ('tk', 'Thống kê {province_vi}', '{name_en} Statistics Office', 'cơ quan ngành dọc', 170),
    ('thue', 'Thuế {province_vi}', '{name_en} Tax Office', 'cơ quan ngành dọc', 180),
    ('hq', 'Chi cục Hải quan khu vực (địa bàn {name_vi})', 'Regional Customs Branch ({name_en})', 'cơ quan ngành dọc', 190),
    ('kbnn', 'Kho bạc Nhà nước khu vực (địa bàn {name_vi})', 'Regional State Treasury ({name_en})', 'cơ quan ngành dọc', 200),
    ('ca', 'Công an {province_vi}', '{name_en} Police', 'cơ quan ngành dọc', 210);

ALTER TABLE units
    ADD COLUMN department_kind text REFERENCES department_kinds (code),
    ADD CONSTRAINT units_department_kind_department CHECK (department_kind IS NULL OR kind = 'department');
-- One department of a kind per province.
CREATE UNIQUE INDEX units_department_kind_once ON units (parent_code, department_kind)
    WHERE department_kind IS NOT NULL;

-- Nghệ An's departments (already seeded, with data) are the kinds' instances for 40; its
-- economic zone authority is Nghệ An's own and stays without a kind.
UPDATE units u SET department_kind = k.code
    FROM department_kinds k
    WHERE u.code = 'dept-' || k.code AND u.parent_code = '40' AND u.kind = 'department';
