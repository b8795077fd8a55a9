-- Wall screens (issue 12, part 4): what a screen named by wall-display tokens shows, kept on
-- the server and edited by an administrator. `pages` is the ordered rotation (JSON array of
-- {kind, unit?, duration_s?}, checked by the server); `version` counts changes and is the
-- offset of the screen's live topic `screen/{code}`.
CREATE TABLE screens (
    code        text PRIMARY KEY CONSTRAINT screens_code_check CHECK (code ~ '^[a-z0-9][a-z0-9-]{0,31}$'),
    name        text NOT NULL CONSTRAINT screens_name_check CHECK (btrim(name) <> ''),
    theme       text NOT NULL DEFAULT 'dark' CONSTRAINT screens_theme_check CHECK (theme IN ('dark', 'light')),
    interval_s  integer NOT NULL CONSTRAINT screens_interval_check CHECK (interval_s BETWEEN 5 AND 3600),
    pages       jsonb NOT NULL CONSTRAINT screens_pages_check CHECK (jsonb_typeof(pages) = 'array' AND jsonb_array_length(pages) BETWEEN 1 AND 20),
    version     bigint NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- The screen the README's first command pairs a kiosk to: the indicator wall and the province's
-- dossier wall, 30 s each.
INSERT INTO screens (code, name, theme, interval_s, pages)
VALUES ('main', 'Màn hình chính', 'dark', 30, '[{"kind": "indicators"}, {"kind": "dossier_province"}]');
