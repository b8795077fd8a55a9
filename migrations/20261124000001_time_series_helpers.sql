-- Time-series tables: hypertables when TimescaleDB can be used, otherwise native range
-- partitioning by month. Every later time-series table (dossier events, …) is created through
-- ioc_create_time_series so the choice is made in one place.

-- TimescaleDB is used only when it is installed AND loadable (it needs shared_preload_libraries);
-- a server that merely ships the files must not break the migration.
CREATE FUNCTION ioc_timescale_usable() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')
        OR (EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')
            AND coalesce(current_setting('shared_preload_libraries', true), '') LIKE '%timescaledb%');
$$;

-- Creates table `name` with the given column list, partitioned by `time_column` into months.
CREATE FUNCTION ioc_create_time_series(name text, columns text, time_column text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF ioc_timescale_usable() THEN
        CREATE EXTENSION IF NOT EXISTS timescaledb;
        EXECUTE format('CREATE TABLE %I (%s)', name, columns);
        PERFORM create_hypertable(name::regclass, time_column,
                                  chunk_time_interval => INTERVAL '1 month');
    ELSE
        EXECUTE format('CREATE TABLE %I (%s) PARTITION BY RANGE (%I)', name, columns, time_column);
        -- Catches rows outside the prepared months so that an insert never fails for lack of a
        -- partition; ioc_ensure_month_partitions keeps months prepared ahead of time.
        EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', name || '_default', name);
    END IF;
END $$;

-- Prepares one partition per month in [from_month, to_month] for a natively partitioned table.
-- A no-op for hypertables (TimescaleDB creates chunks itself). Idempotent.
CREATE FUNCTION ioc_ensure_month_partitions(name text, from_month date, to_month date)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    m date := date_trunc('month', from_month)::date;
    part text;
    created integer := 0;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid
                   WHERE c.relname = name) THEN
        RETURN 0;
    END IF;
    WHILE m <= to_month LOOP
        part := format('%s_y%sm%s', name, to_char(m, 'YYYY'), to_char(m, 'MM'));
        IF to_regclass(part) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                           part, name, m::timestamptz, (m + INTERVAL '1 month')::timestamptz);
            created := created + 1;
        END IF;
        m := (m + INTERVAL '1 month')::date;
    END LOOP;
    RETURN created;
END $$;
