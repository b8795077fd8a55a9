-- Administrative units. This skeleton needs only the provinces (the statistical codes of the 34
-- provinces and cities since 1 July 2025, Resolution 202/2025/QH15); communes, departments and the
-- historic units come with the organisation model. Codes are the GSO codes, zero-padded: 2 digits
-- for provinces, 5 for communes, so they never collide.
CREATE TABLE units (
    code        text PRIMARY KEY CHECK (code ~ '^[0-9A-Za-z_.-]{1,32}$'),
    name_vi     text NOT NULL CHECK (name_vi <> ''),
    name_en     text NOT NULL CHECK (name_en <> ''),
    kind        text NOT NULL CHECK (kind IN ('province', 'commune', 'department')),
    parent_code text REFERENCES units (code)
);

INSERT INTO units (code, name_vi, name_en, kind, parent_code) VALUES
    ('01', 'Thành phố Hà Nội', 'Ha Noi City', 'province', NULL),
    ('04', 'Tỉnh Cao Bằng', 'Cao Bang Province', 'province', NULL),
    ('08', 'Tỉnh Tuyên Quang', 'Tuyen Quang Province', 'province', NULL),
    ('11', 'Tỉnh Điện Biên', 'Dien Bien Province', 'province', NULL),
    ('12', 'Tỉnh Lai Châu', 'Lai Chau Province', 'province', NULL),
    ('14', 'Tỉnh Sơn La', 'Son La Province', 'province', NULL),
    ('15', 'Tỉnh Lào Cai', 'Lao Cai Province', 'province', NULL),
    ('19', 'Tỉnh Thái Nguyên', 'Thai Nguyen Province', 'province', NULL),
    ('20', 'Tỉnh Lạng Sơn', 'Lang Son Province', 'province', NULL),
    ('22', 'Tỉnh Quảng Ninh', 'Quang Ninh Province', 'province', NULL),
    ('24', 'Tỉnh Bắc Ninh', 'Bac Ninh Province', 'province', NULL),
    ('25', 'Tỉnh Phú Thọ', 'Phu Tho Province', 'province', NULL),
    ('31', 'Thành phố Hải Phòng', 'Hai Phong City', 'province', NULL),
    ('33', 'Tỉnh Hưng Yên', 'Hung Yen Province', 'province', NULL),
    ('37', 'Tỉnh Ninh Bình', 'Ninh Binh Province', 'province', NULL),
    ('38', 'Tỉnh Thanh Hóa', 'Thanh Hoa Province', 'province', NULL),
    ('40', 'Tỉnh Nghệ An', 'Nghe An Province', 'province', NULL),
    ('42', 'Tỉnh Hà Tĩnh', 'Ha Tinh Province', 'province', NULL),
    ('44', 'Tỉnh Quảng Trị', 'Quang Tri Province', 'province', NULL),
    ('46', 'Thành phố Huế', 'Hue City', 'province', NULL),
    ('48', 'Thành phố Đà Nẵng', 'Da Nang City', 'province', NULL),
    ('51', 'Tỉnh Quảng Ngãi', 'Quang Ngai Province', 'province', NULL),
    ('52', 'Tỉnh Gia Lai', 'Gia Lai Province', 'province', NULL),
    ('56', 'Tỉnh Khánh Hòa', 'Khanh Hoa Province', 'province', NULL),
    ('66', 'Tỉnh Đắk Lắk', 'Dak Lak Province', 'province', NULL),
    ('68', 'Tỉnh Lâm Đồng', 'Lam Dong Province', 'province', NULL),
    ('75', 'Tỉnh Đồng Nai', 'Dong Nai Province', 'province', NULL),
    ('79', 'Thành phố Hồ Chí Minh', 'Ho Chi Minh City', 'province', NULL),
    ('80', 'Tỉnh Tây Ninh', 'Tay Ninh Province', 'province', NULL),
    ('82', 'Tỉnh Đồng Tháp', 'Dong Thap Province', 'province', NULL),
    ('86', 'Tỉnh Vĩnh Long', 'Vinh Long Province', 'province', NULL),
    ('91', 'Tỉnh An Giang', 'An Giang Province', 'province', NULL),
    ('92', 'Thành phố Cần Thơ', 'Can Tho City', 'province', NULL),
    ('96', 'Tỉnh Cà Mau', 'Ca Mau Province', 'province', NULL);
