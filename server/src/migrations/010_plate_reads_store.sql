-- Decision 0140: a batch of plate reads stored in ONE statement: the duplicate-key advisory
-- locks, the duplicate checks and the insert (decision 0104). In autocommit when nothing else
-- has to be written with the batch (no hotlist candidate, no picture): the implicit COMMIT
-- ends it; otherwise inside the batch transaction, with the pictures and hits after it.
--
-- The lock PERFORM and the INSERT are separate statements of a VOLATILE function, so under
-- READ COMMITTED the INSERT takes its snapshot after the locks are held: it sees every read
-- committed under the same keys before, which is what makes the duplicate check safe
-- against a concurrent retry (the same as the locks-then-insert transaction).
CREATE FUNCTION plate_reads_store(rows jsonb, window_ms bigint, lock_a int[], lock_b int[],
                                  since timestamptz, until timestamptz)
RETURNS TABLE (id bigint, existing_id bigint)
LANGUAGE plpgsql VOLATILE
-- Planned afresh on every call, with the batch's values. A plan cached for the session was
-- made while today's partition was nearly empty: it probed the duplicates through the
-- captured_at index and kept doing so once the partition held 100,000 reads (measured: 30-40
-- ms a batch instead of 2-3). `since`/`until` (the batch's reads ± 1 day) let the planner
-- drop every other day partition, which keeps that planning cheap.
SET plan_cache_mode = force_custom_plan
AS $$
#variable_conflict use_column
BEGIN
  -- unnest yields the arrays in order: the locks are taken in the caller's (sorted) order.
  PERFORM count(pg_advisory_xact_lock(u.a, u.b)) FROM unnest(lock_a, lock_b) AS u(a, b);
  RETURN QUERY
  WITH input AS (
    SELECT * FROM jsonb_to_recordset(rows) AS r(id bigint, captured_at timestamptz, received_at timestamptz,
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
            AND p.captured_at > since AND p.captured_at < until
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
