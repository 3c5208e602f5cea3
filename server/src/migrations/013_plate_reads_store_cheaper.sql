-- Decision 0142: plate_reads_store (migration 010, decision 0140) with the same locks, checks
-- and insert, at less PostgreSQL CPU per batch and per read:
--  - the rows arrive as json, not jsonb: json_to_recordset reads the text once, where the
--    jsonb cast first builds a jsonb value of the whole batch (measured ~5-8 µs a read);
--  - the plate-window probe gets bounds of its own (`near_since`/`near_until`: the batch's
--    reads ± the window), so planning prunes it to the one day partition (two near midnight)
--    instead of the three the event probe's ± 1 day needs. Still planned on every call: a
--    cached (generic) plan is made with the partitions' statistics of that moment, and today's
--    partition is empty at midnight (its seq-scan plan would stay until autovacuum's next
--    ANALYZE; decision 0140). Every call's plan sees the partitions' current size.
DROP FUNCTION plate_reads_store(jsonb, bigint, int[], int[], timestamptz, timestamptz);

CREATE FUNCTION plate_reads_store(rows json, window_ms bigint, lock_a int[], lock_b int[],
                                  since timestamptz, until timestamptz,
                                  near_since timestamptz, near_until timestamptz)
RETURNS TABLE (id bigint, existing_id bigint)
LANGUAGE plpgsql VOLATILE
SET plan_cache_mode = force_custom_plan
AS $$
#variable_conflict use_column
BEGIN
  -- The locks first, in the caller's (sorted) order; the INSERT below is a statement of its
  -- own, so under READ COMMITTED it sees every read committed under these keys (decision 0140).
  PERFORM count(pg_advisory_xact_lock(u.a, u.b)) FROM unnest(lock_a, lock_b) AS u(a, b);
  RETURN QUERY
  WITH input AS (
    SELECT * FROM json_to_recordset(rows) AS r(id bigint, captured_at timestamptz, received_at timestamptz,
      plate_text text, plate_raw text, plate_colour text, plate_valid boolean, plate_kind text, confidence real,
      format text, device_id bigint, camera_id text, checkpoint_id text, lane smallint, direction text,
      vehicle_type text, vehicle_colour text, cell_code text, cell_path text[], vendor_event_id text,
      images jsonb, details jsonb, flags text[])
  ), matched AS (
    SELECT i.*, coalesce(
        (SELECT p.id FROM plate_reads p
          WHERE p.device_id = i.device_id AND p.plate_text = i.plate_text
            AND p.captured_at > i.captured_at - window_ms * interval '1 millisecond'
            AND p.captured_at < i.captured_at + window_ms * interval '1 millisecond'
            AND p.captured_at > near_since AND p.captured_at < near_until
          ORDER BY p.captured_at LIMIT 1),
        (SELECT p.id FROM plate_reads p
          WHERE i.vendor_event_id IS NOT NULL AND p.device_id = i.device_id AND p.vendor_event_id = i.vendor_event_id
            AND p.captured_at > i.captured_at - interval '1 day' AND p.captured_at < i.captured_at + interval '1 day'
            AND p.captured_at > since AND p.captured_at < until
          LIMIT 1)) AS existing_id
      FROM input i
  ), ins AS (
    INSERT INTO plate_reads (id, captured_at, received_at, plate_text, plate_raw, plate_colour, plate_valid, plate_kind,
                             confidence, format, device_id, camera_id, checkpoint_id, lane, direction, vehicle_type,
                             vehicle_colour, cell_code, cell_path, vendor_event_id, images, details, flags)
    SELECT m.id, m.captured_at, m.received_at, m.plate_text, m.plate_raw, m.plate_colour, m.plate_valid, m.plate_kind,
           m.confidence, m.format, m.device_id, m.camera_id, m.checkpoint_id, m.lane, m.direction, m.vehicle_type,
           m.vehicle_colour, m.cell_code, m.cell_path, m.vendor_event_id, m.images, m.details, m.flags
      FROM matched m WHERE m.existing_id IS NULL
    RETURNING 1
  )
  SELECT m.id, m.existing_id FROM matched m;
END $$;
