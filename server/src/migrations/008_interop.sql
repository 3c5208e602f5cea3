-- Interoperability: data versions for vector-tile caching, and outbound webhooks.
-- Owned by features/tiles and features/webhooks.

-- ---------------------------------------------------------------- tile data versions
-- One counter per tile layer, bumped in the same transaction as any change to its table, so
-- an ETag built from it changes exactly when the data a tile shows may have changed.
CREATE TABLE tile_layer_versions (
  layer text PRIMARY KEY CHECK (layer IN ('cells', 'checkpoints', 'cameras')),
  version bigint NOT NULL DEFAULT 1,
  changed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO tile_layer_versions (layer) VALUES ('cells'), ('checkpoints'), ('cameras');

-- Statement-level with a transition table: a batch update of 10,000 cameras bumps once, and
-- a statement that touched no row does not invalidate anything.
CREATE FUNCTION tile_layer_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM changed) THEN
    UPDATE tile_layer_versions SET version = version + 1, changed_at = now() WHERE layer = TG_ARGV[0];
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER cells_tiles_ins AFTER INSERT ON cells REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION tile_layer_bump('cells');
CREATE TRIGGER cells_tiles_upd AFTER UPDATE ON cells REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION tile_layer_bump('cells');
CREATE TRIGGER cells_tiles_del AFTER DELETE ON cells REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION tile_layer_bump('cells');
CREATE TRIGGER checkpoints_tiles_ins AFTER INSERT ON checkpoints REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION tile_layer_bump('checkpoints');
CREATE TRIGGER checkpoints_tiles_upd AFTER UPDATE ON checkpoints REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION tile_layer_bump('checkpoints');
CREATE TRIGGER checkpoints_tiles_del AFTER DELETE ON checkpoints REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION tile_layer_bump('checkpoints');
CREATE TRIGGER cameras_tiles_ins AFTER INSERT ON cameras REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION tile_layer_bump('cameras');
CREATE TRIGGER cameras_tiles_upd AFTER UPDATE ON cameras REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION tile_layer_bump('cameras');
CREATE TRIGGER cameras_tiles_del AFTER DELETE ON cameras REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION tile_layer_bump('cameras');

-- ---------------------------------------------------------------- outbound webhooks
CREATE TABLE webhook_subscriptions (
  id bigserial PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  url text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2048),
  -- encryptSecret(keyring, signing secret); re-encrypted by `gridops rotate-key`.
  secret_enc text NOT NULL,
  topics text[] NOT NULL CHECK (cardinality(topics) > 0),
  -- Events of these cells and everything below them (matched against outbox.cell_path).
  cell_codes text[] NOT NULL CHECK (cardinality(cell_codes) > 0),
  enabled boolean NOT NULL DEFAULT true,
  consecutive_failures integer NOT NULL DEFAULT 0,
  disabled_reason text,
  disabled_at timestamptz,
  created_by bigint REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- How far the fan-out has read the outbox (by published seq). Starts at the current end:
-- events published before webhooks existed are not replayed.
CREATE TABLE webhook_cursor (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  last_seq bigint NOT NULL CHECK (last_seq >= 0)
);
INSERT INTO webhook_cursor (last_seq) SELECT last_seq FROM outbox_position;

-- One row per (subscription, event): the queue and the delivery log's summary.
CREATE TABLE webhook_deliveries (
  id bigserial PRIMARY KEY,
  subscription_id bigint NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
  event_seq bigint NOT NULL,
  topic text NOT NULL,
  -- The exact JSON body sent (and signed) on every attempt.
  body text NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- A worker's lease while it sends; an expired lease (crashed worker) makes the row claimable again.
  locked_until timestamptz,
  last_status integer,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  UNIQUE (subscription_id, event_seq)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_subscription_idx ON webhook_deliveries (subscription_id, id DESC);

-- Every attempt: when, how long, what came back.
CREATE TABLE webhook_attempts (
  id bigserial PRIMARY KEY,
  delivery_id bigint NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  attempt integer NOT NULL CHECK (attempt > 0),
  started_at timestamptz NOT NULL,
  duration_ms integer NOT NULL CHECK (duration_ms >= 0),
  outcome text NOT NULL CHECK (outcome IN ('delivered', 'http_error', 'timeout', 'network_error', 'refused')),
  status integer,
  error text CHECK (length(error) <= 2000)
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, id);
