-- The dossier id's characters are checked by the one path that writes dossiers (the ingest,
-- `dossiers/event.rs`, which answers a bad id with its reason); the database keeps the length
-- bound. The regular expression ran on every insert and on every update of a dossier (a CHECK
-- is evaluated on each new row version) and took 7 % of the database's time while a year of
-- events was loaded.
ALTER TABLE dossiers DROP CONSTRAINT dossiers_id_check;
ALTER TABLE dossiers ADD CONSTRAINT dossiers_id_length CHECK (octet_length(id) BETWEEN 1 AND 64);

-- A unit's newest overdue dossiers (the board's alerts) are read by walking this index backwards
-- and stopping after five; with the id in the index the walk needs no sort. Without it the
-- planner read every open dossier of the unit, dead row versions included (a dossier under a
-- steady feed is rewritten at each event), for a third of a second per recomputation.
DROP INDEX dossiers_open_unit;
CREATE INDEX dossiers_open_unit ON dossiers (unit_code, due_date, id)
    WHERE status IN (2, 4, 5, 6, 8);

-- Under a steady feed every dossier row is rewritten at each of its events and the rollup rows at
-- every batch: vacuum and analyse them after a fixed number of changes rather than a fifth of the
-- table (the default), so that dead versions and stale statistics do not pile up between runs.
-- Room is left on each page of dossiers for updates that keep the row on its page (HOT).
ALTER TABLE dossiers SET (fillfactor = 85, autovacuum_vacuum_scale_factor = 0.02,
    autovacuum_analyze_scale_factor = 0.02);
ALTER TABLE dossier_daily SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000,
    autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 5000);
ALTER TABLE dossier_open SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000,
    autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 5000);
ALTER TABLE dossier_procedure_months SET (autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 5000, autovacuum_analyze_scale_factor = 0,
    autovacuum_analyze_threshold = 5000);

-- The boards and index details are rewritten many times an hour: lz4 compresses them several
-- times faster than PostgreSQL's default (pglz). Left as it is where the server was built
-- without lz4.
DO $$
BEGIN
    ALTER TABLE dossier_index ALTER COLUMN detail SET COMPRESSION lz4;
    ALTER TABLE live_topics ALTER COLUMN state SET COMPRESSION lz4;
    ALTER TABLE live_log ALTER COLUMN data SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 not available: %', SQLERRM;
END
$$;
