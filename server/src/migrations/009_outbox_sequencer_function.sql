-- The outbox sequencer as one function, so a relay pass costs one round trip (and one commit)
-- instead of BEGIN, lock, update, COMMIT: under load every round trip waits for a busy event
-- loop and a busy CPU (docs/decisions/0074-outbox-wake-ups-and-one-call-sequencer.md).
--
-- Semantics are those of 004_outbox.sql: the row lock on outbox_position makes sequencers of
-- all processes take turns; SKIP LOCKED leaves the work to whoever holds it. A VOLATILE
-- function takes a fresh snapshot for each statement, so the UPDATE after the lock sees every
-- row committed before the lock was granted, including the previous holder's seqs.
CREATE FUNCTION outbox_sequence(batch integer)
RETURNS TABLE (locked boolean, assigned integer, last_seq bigint)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  before bigint;
  after bigint;
  done integer;
BEGIN
  -- Locking the position row writes it; an idle pass must not cost a WAL flush.
  IF NOT EXISTS (SELECT 1 FROM outbox o WHERE o.seq IS NULL) THEN
    RETURN QUERY SELECT true, 0, p.last_seq FROM outbox_position p;
    RETURN;
  END IF;
  SELECT p.last_seq INTO before FROM outbox_position p FOR UPDATE SKIP LOCKED;
  IF NOT FOUND THEN
    RETURN QUERY SELECT false, 0, 0::bigint;
    RETURN;
  END IF;
  WITH pending AS (
    SELECT o.id, row_number() OVER (ORDER BY o.id) AS rn
      FROM outbox o WHERE o.seq IS NULL ORDER BY o.id LIMIT batch
  ), numbered AS (
    UPDATE outbox o SET seq = before + p.rn, sequenced_at = clock_timestamp()
      FROM pending p WHERE o.id = p.id
    RETURNING o.seq
  ), moved AS (
    UPDATE outbox_position
       SET last_seq = COALESCE((SELECT max(n.seq) FROM numbered n), outbox_position.last_seq)
    RETURNING outbox_position.last_seq
  )
  SELECT (SELECT count(*)::integer FROM numbered), m.last_seq INTO done, after FROM moved m;
  IF done > 0 THEN
    PERFORM pg_notify('gridops_outbox_seq', after::text);
  END IF;
  RETURN QUERY SELECT true, done, after;
END
$$;
