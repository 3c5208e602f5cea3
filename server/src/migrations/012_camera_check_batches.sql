-- Which cameras each queued check batch holds, so the dispatcher can tell which cameras are
-- already queued without reading graphile-worker's private jobs table (its payload is not in
-- the public graphile_worker.jobs view, and private tables may change on any upgrade).
-- A row is written in the transaction that queues the batch job and pruned by the dispatcher
-- once graphile_worker.jobs no longer shows that job as live.
CREATE TABLE camera_check_batches (
  job_key    text PRIMARY KEY,
  kind       text NOT NULL CHECK (kind IN ('shallow', 'deep')),
  camera_ids text[] NOT NULL,
  queued_at  timestamptz NOT NULL DEFAULT now()
);
