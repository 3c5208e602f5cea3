-- Transactional outbox: every change others must see writes one row here in the same
-- transaction; the realtime relay turns committed rows into Socket.IO events.
--
-- Two numbers per row (see docs/decisions/0070-outbox-ordering.md):
--   id  — taken at INSERT, in insert order. Transactions commit in a different order, so a
--         reader that advanced past id N+1 could later see N appear: ids are never shown.
--   seq — the published position, assigned after commit by the sequencer (one at a time,
--         serialised on the outbox_position row), gapless and in visibility order. Clients
--         see and resume from seq only.
CREATE TABLE outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  seq bigint UNIQUE,
  topic text NOT NULL CHECK (topic ~ '^[a-z_]+\.[a-z_]+$'),
  cell_code text,
  -- Ancestors of cell_code including itself, copied from cells.path at enqueue so routing
  -- to the rooms of every enclosing cell needs no join (and survives later cell moves).
  cell_path text[],
  camera_id text,
  -- Roles whose role:<role> rooms also receive the event (besides cell and camera rooms).
  roles text[] NOT NULL DEFAULT '{}',
  -- Permissions a receiver must hold, all of them (e.g. '{hits:read}' for hotlist hits).
  audience text[] NOT NULL DEFAULT '{}',
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sequenced_at timestamptz,
  CHECK ((cell_code IS NULL) = (cell_path IS NULL)),
  CHECK (cell_code IS NOT NULL OR camera_id IS NOT NULL OR cardinality(roles) > 0),
  CHECK ((seq IS NULL) = (sequenced_at IS NULL))
);
-- The sequencer's work queue: rows committed but not yet given a seq.
CREATE INDEX outbox_unsequenced_idx ON outbox (id) WHERE seq IS NULL;
CREATE INDEX outbox_sequenced_at_idx ON outbox (sequenced_at) WHERE seq IS NOT NULL;

-- The last seq handed out. One row; locking it is what serialises sequencers across processes.
-- Kept separately from max(outbox.seq) so retention can empty the outbox without reusing numbers.
CREATE TABLE outbox_position (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  last_seq bigint NOT NULL CHECK (last_seq >= 0)
);
INSERT INTO outbox_position (last_seq) VALUES (0);

-- Payloads over NOTIFY's 8000-byte limit for @socket.io/postgres-adapter (its documented schema).
CREATE TABLE socket_io_attachments (
  id bigserial UNIQUE,
  created_at timestamptz DEFAULT now(),
  payload bytea
);
