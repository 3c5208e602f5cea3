-- Camera inventory details, health state, health checks (daily partitions), camera events
-- and repair tickets. Owned by features/cameras, features/health and features/tickets.

-- ---------------------------------------------------------------- inventory
ALTER TABLE cameras
  ADD COLUMN name_en text,
  ADD COLUMN firmware text CHECK (length(firmware) <= 200),
  ADD COLUMN serial_number text CHECK (length(serial_number) BETWEEN 1 AND 200),
  -- Lower-case, colon separated (aa:bb:cc:dd:ee:ff); normalised by the service.
  ADD COLUMN mac_address text CHECK (mac_address ~ '^([0-9a-f]{2}:){5}[0-9a-f]{2}$'),
  -- Device service URL as normalised by camera-adapters (scheme, host, port, path).
  ADD COLUMN onvif_address text CHECK (length(onvif_address) <= 2048),
  -- encryptSecret(keyring, JSON {username,password}); re-encrypted by `gridops rotate-key`.
  ADD COLUMN credentials_enc text,
  -- Bumped whenever the credentials change, so auth_failed can be left only after a change.
  ADD COLUMN credentials_version integer NOT NULL DEFAULT 0,
  ADD COLUMN rtsp_profiles jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(rtsp_profiles) = 'array'),
  ADD COLUMN cell_override text REFERENCES cells (code),
  ADD COLUMN install_date date,
  ADD COLUMN maintainer text CHECK (length(maintainer) <= 200),
  ADD COLUMN clock_offset_ms integer,
  ADD COLUMN onboarded_at timestamptz,
  -- What onboarding learned beyond the columns (services, supports, warnings).
  ADD COLUMN onboarding jsonb,
  ADD COLUMN version integer NOT NULL DEFAULT 1;

-- Duplicate detection (the service names the existing camera; these are the backstop).
CREATE UNIQUE INDEX cameras_serial_uq ON cameras (lower(serial_number)) WHERE serial_number IS NOT NULL;
CREATE UNIQUE INDEX cameras_mac_uq ON cameras (mac_address) WHERE mac_address IS NOT NULL;
CREATE UNIQUE INDEX cameras_onvif_uq ON cameras (lower(onvif_address)) WHERE onvif_address IS NOT NULL;
CREATE INDEX cameras_status_idx ON cameras (status);

-- ---------------------------------------------------------------- health
-- One row per camera: the pure state machine's state (camera-adapters/health) plus the
-- poller's schedule. `version` guards against a poll result overwriting a technician's
-- change made while the check was running.
CREATE TABLE camera_health (
  camera_id text PRIMARY KEY REFERENCES cameras (id) ON DELETE CASCADE,
  machine jsonb NOT NULL,
  state text NOT NULL CHECK (state IN
    ('online', 'degraded', 'offline', 'auth_failed', 'no_video', 'tampered', 'maintenance', 'unknown')),
  since timestamptz NOT NULL,
  reasons text[] NOT NULL DEFAULT '{}',
  -- Findings of the latest deep check (image verdict, stream deviations, event states),
  -- merged into every shallow observation until the next deep check.
  deep_findings jsonb,
  next_check_at timestamptz NOT NULL DEFAULT now(),
  last_check_at timestamptz,
  last_deep_check_at timestamptz,
  last_error text,
  -- The credentials version that was refused; auth_failed holds until it differs.
  auth_failed_credentials_version integer,
  -- When an incident or ticket was opened for the current outage (null: not yet).
  escalated_at timestamptz,
  version integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX camera_health_due_idx ON camera_health (next_check_at);
CREATE INDEX camera_health_deep_idx ON camera_health (last_deep_check_at NULLS FIRST);
CREATE INDEX camera_health_state_idx ON camera_health (state, since);

CREATE TABLE camera_snapshots (
  camera_id text PRIMARY KEY REFERENCES cameras (id) ON DELETE CASCADE,
  image bytea NOT NULL,
  content_type text NOT NULL DEFAULT 'image/jpeg',
  width integer,
  height integer,
  taken_at timestamptz NOT NULL
);

-- Every state transition and every technician action on a camera's health.
CREATE TABLE camera_events (
  id bigserial PRIMARY KEY,
  camera_id text NOT NULL REFERENCES cameras (id) ON DELETE CASCADE,
  at timestamptz NOT NULL,
  kind text NOT NULL CHECK (kind IN ('state_changed', 'maintenance_started', 'maintenance_ended',
    'auth_reset', 'onboarded', 'credentials_changed', 'incident_opened', 'ticket_opened')),
  from_state text,
  to_state text,
  reasons text[] NOT NULL DEFAULT '{}',
  actor text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX camera_events_camera_idx ON camera_events (camera_id, at DESC, id DESC);

-- One row per check, partitioned by day (partitions created ahead by a job; old ones dropped).
CREATE TABLE camera_health_checks (
  camera_id text NOT NULL,
  checked_at timestamptz NOT NULL,
  depth text NOT NULL CHECK (depth IN ('shallow', 'deep')),
  -- What this check saw (before damping) and the state after applying it.
  observed_state text NOT NULL,
  state text NOT NULL,
  reasons text[] NOT NULL DEFAULT '{}',
  duration_ms integer NOT NULL,
  error text
) PARTITION BY RANGE (checked_at);
CREATE INDEX camera_health_checks_camera_idx ON camera_health_checks (camera_id, checked_at);

-- Creates the daily partitions covering [from_day, from_day + days); idempotent.
CREATE FUNCTION camera_health_checks_ensure_partitions(from_day date, days integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  d date;
  created integer := 0;
  part text;
BEGIN
  FOR i IN 0 .. days - 1 LOOP
    d := from_day + i;
    part := 'camera_health_checks_' || to_char(d, 'YYYYMMDD');
    IF to_regclass(part) IS NULL THEN
      EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF camera_health_checks FOR VALUES FROM (%L) TO (%L)',
        part, d::timestamp AT TIME ZONE 'UTC', (d + 1)::timestamp AT TIME ZONE 'UTC');
      created := created + 1;
    END IF;
  END LOOP;
  RETURN created;
END $$;

-- Drops daily partitions wholly before `before_day`; returns how many.
CREATE FUNCTION camera_health_checks_drop_partitions(before_day date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  r record;
  dropped integer := 0;
BEGIN
  FOR r IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'camera_health_checks'::regclass
              AND c.relname ~ '^camera_health_checks_[0-9]{8}$'
              AND to_date(right(c.relname, 8), 'YYYYMMDD') < before_day LOOP
    EXECUTE format('DROP TABLE %I', r.relname);
    dropped := dropped + 1;
  END LOOP;
  RETURN dropped;
END $$;

SELECT camera_health_checks_ensure_partitions((now() AT TIME ZONE 'UTC')::date - 1, 9);

-- ---------------------------------------------------------------- repair tickets
CREATE TABLE repair_tickets (
  id bigserial PRIMARY KEY,
  camera_id text NOT NULL REFERENCES cameras (id),
  cell_code text REFERENCES cells (code),
  state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'assigned', 'on_site', 'fixed', 'verified')),
  source text NOT NULL CHECK (source IN ('manual', 'camera_offline')),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
  assignee_user_id bigint REFERENCES users (id),
  opened_by text NOT NULL,
  opened_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  verified_at timestamptz,
  version integer NOT NULL DEFAULT 1
);
CREATE INDEX repair_tickets_camera_idx ON repair_tickets (camera_id, opened_at DESC);
CREATE INDEX repair_tickets_state_idx ON repair_tickets (state, opened_at DESC);
-- At most one automatic ticket per camera until it is verified.
CREATE UNIQUE INDEX repair_tickets_auto_uq ON repair_tickets (camera_id) WHERE source = 'camera_offline' AND state <> 'verified';

CREATE TABLE repair_ticket_events (
  id bigserial PRIMARY KEY,
  ticket_id bigint NOT NULL REFERENCES repair_tickets (id) ON DELETE CASCADE,
  at timestamptz NOT NULL,
  actor_user_id bigint REFERENCES users (id),
  actor text NOT NULL,
  from_state text,
  to_state text,
  note text CHECK (length(note) <= 4000),
  details jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX repair_ticket_events_ticket_idx ON repair_ticket_events (ticket_id, at, id);
