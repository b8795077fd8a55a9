-- Chunk sizes for monthly data under TimescaleDB.
--
-- Migration 1 made hypertables with one-month chunks: for monthly series that is one chunk per
-- data point per stream, hundreds of tiny chunks since 2019, each planned and opened by every
-- query that is not bounded in time. A year per chunk keeps 12 months of every stream together.
-- Only chunks created from now on get the new size (TimescaleDB never re-chunks existing data).
-- On plain PostgreSQL (monthly native partitions) nothing changes.

-- Creates table `name` like ioc_create_time_series, with the given chunk interval when TimescaleDB
-- is used (ignored for native partitioning, which is always monthly).
CREATE FUNCTION ioc_create_time_series(name text, columns text, time_column text,
                                       chunk_interval interval)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF ioc_timescale_usable() THEN
        CREATE EXTENSION IF NOT EXISTS timescaledb;
        EXECUTE format('CREATE TABLE %I (%s)', name, columns);
        PERFORM create_hypertable(name::regclass, time_column,
                                  chunk_time_interval => chunk_interval);
    ELSE
        EXECUTE format('CREATE TABLE %I (%s) PARTITION BY RANGE (%I)', name, columns, time_column);
        EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', name || '_default', name);
    END IF;
END $$;

-- The three-argument form (used by earlier migrations) now means monthly data: a year per chunk.
CREATE OR REPLACE FUNCTION ioc_create_time_series(name text, columns text, time_column text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM ioc_create_time_series(name, columns, time_column, INTERVAL '1 year');
END $$;

-- Existing hypertables (metric_points where TimescaleDB is in use): new chunks span a year.
DO $$
DECLARE
    t text;
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
        FOR t IN EXECUTE 'SELECT format(''%I.%I'', hypertable_schema, hypertable_name)
                          FROM timescaledb_information.hypertables'
        LOOP
            EXECUTE format('SELECT set_chunk_time_interval(%L::regclass, INTERVAL ''1 year'')', t);
        END LOOP;
    END IF;
END $$;
