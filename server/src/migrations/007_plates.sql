-- Plate recognition: devices and their credentials, reads (partitioned by day), images by
-- content hash, dead letters, hotlists and hits, checkpoint flow rollups and silence alerts.
-- Owned by features/plates, features/ingest, features/hotlists and features/checkpoints.
-- See docs/decisions/0100-0109 and docs/privacy.md.

-- Bumped by statement triggers whenever devices or hotlists change, so every server process
-- can tell (with one tiny query) that its in-memory copy is stale.
CREATE TABLE plate_config_versions (
  name text PRIMARY KEY CHECK (name IN ('devices', 'hotlists')),
  version bigint NOT NULL DEFAULT 0
);
INSERT INTO plate_config_versions (name) VALUES ('devices'), ('hotlists');

CREATE FUNCTION plate_config_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE plate_config_versions SET version = version + 1 WHERE name = TG_ARGV[0];
  RETURN NULL;
END $$;

-- ---------------------------------------------------------------- devices
-- Basic/Digest credentials a device authenticates with. Digest needs the password itself
-- (or its HA1, which is as good as the password), so it is sealed with the server keyring.
CREATE TABLE plate_device_credentials (
  id bigserial PRIMARY KEY,
  username text NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9_.@-]{1,64}$'),
  password_sealed text NOT NULL,
  description text CHECK (length(description) <= 500),
  created_by bigint REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  disabled_at timestamptz
);

-- Vendor device identity (serial, MAC, IP or name, as the device puts it in its payload)
-- plus an optional channel → the camera it is, and how its clock should be read.
CREATE TABLE plate_devices (
  id bigserial PRIMARY KEY,
  -- lower(trim(vendor id)): MACs arrive in either case.
  device_key text NOT NULL CHECK (device_key ~ '^\S.{0,127}$' AND device_key = lower(device_key)),
  -- NULL matches any channel; a row with the read's channel wins over it.
  channel text CHECK (length(channel) BETWEEN 1 AND 64),
  camera_id text NOT NULL REFERENCES cameras (id),
  -- Overrides the camera's lane (an NVR channel per lane); NULL = camera's lane, then the read's.
  lane smallint CHECK (lane > 0),
  time_zone text NOT NULL DEFAULT 'Asia/Shanghai' CHECK (length(time_zone) BETWEEN 1 AND 64),
  -- Device clock minus true time; NULL = use the offset camera health measured (cameras.clock_offset_ms).
  clock_offset_ms bigint CHECK (abs(clock_offset_ms) <= 20 * 365 * 86400000::bigint),
  credential_id bigint REFERENCES plate_device_credentials (id),
  enabled boolean NOT NULL DEFAULT true,
  note text CHECK (length(note) <= 500),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE NULLS NOT DISTINCT (device_key, channel)
);
CREATE INDEX plate_devices_camera_idx ON plate_devices (camera_id);
CREATE TRIGGER plate_devices_bump AFTER INSERT OR UPDATE OR DELETE ON plate_devices
  FOR EACH STATEMENT EXECUTE FUNCTION plate_config_bump('devices');
CREATE TRIGGER plate_device_credentials_bump AFTER INSERT OR UPDATE OR DELETE ON plate_device_credentials
  FOR EACH STATEMENT EXECUTE FUNCTION plate_config_bump('devices');

-- ---------------------------------------------------------------- reads
CREATE SEQUENCE plate_reads_id_seq AS bigint;

-- One row per stored read. Partitioned by UTC day of capture so retention drops whole days.
-- No foreign keys point here (a partition could not be dropped); hits keep (read_id, captured_at).
CREATE TABLE plate_reads (
  id bigint NOT NULL DEFAULT nextval('plate_reads_id_seq'),
  captured_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  plate_text text NOT NULL CHECK (length(plate_text) BETWEEN 1 AND 32),
  plate_raw text NOT NULL CHECK (length(plate_raw) <= 128),
  plate_colour text NOT NULL,
  plate_valid boolean NOT NULL,
  plate_kind text NOT NULL,
  confidence real CHECK (confidence BETWEEN 0 AND 1),
  format text NOT NULL,
  device_id bigint NOT NULL,
  camera_id text NOT NULL,
  checkpoint_id text,
  lane smallint,
  direction text,
  vehicle_type text,
  vehicle_colour text,
  -- The cell the read happened in and its ancestors, copied at insert: scope checks need no
  -- join, and a read keeps the cell it had when cells are later redrawn.
  cell_code text,
  cell_path text[],
  vendor_event_id text,
  -- [{role, sha256, mime}] for stored pictures, [{role, url}] for pictures left at the vendor.
  images jsonb NOT NULL DEFAULT '[]'::jsonb,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- invalid_format (not a plate by the grammar), unknown_kind, time_from_receipt, low_confidence
  flags text[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (id, captured_at)
) PARTITION BY RANGE (captured_at);
ALTER SEQUENCE plate_reads_id_seq OWNED BY plate_reads.id;
-- Duplicate window check and plate searches by device.
CREATE INDEX plate_reads_device_plate_idx ON plate_reads (device_id, plate_text, captured_at);
CREATE INDEX plate_reads_event_idx ON plate_reads (device_id, vendor_event_id) WHERE vendor_event_id IS NOT NULL;
-- Exact and prefix plate searches.
CREATE INDEX plate_reads_plate_idx ON plate_reads (plate_text text_pattern_ops, captured_at);
CREATE INDEX plate_reads_checkpoint_idx ON plate_reads (checkpoint_id, captured_at);
CREATE INDEX plate_reads_time_idx ON plate_reads (captured_at);

-- Reads kept past retention because an incident or a confirmed/pending hit needs them.
CREATE TABLE plate_reads_retained (
  LIKE plate_reads INCLUDING DEFAULTS,
  retained_at timestamptz NOT NULL DEFAULT now(),
  retained_reason text NOT NULL,
  PRIMARY KEY (id)
);
CREATE INDEX plate_reads_retained_plate_idx ON plate_reads_retained (plate_text text_pattern_ops, captured_at);
CREATE INDEX plate_reads_retained_time_idx ON plate_reads_retained (captured_at);

-- Creates the UTC-day partition holding `at` if missing; serialised so two processes can race.
CREATE FUNCTION plate_reads_ensure_partition(day date) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  part text := 'plate_reads_' || to_char(day, 'YYYYMMDD');
BEGIN
  IF to_regclass(part) IS NOT NULL THEN
    RETURN false;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('gridops.plate_reads.partitions'));
  IF to_regclass(part) IS NOT NULL THEN
    RETURN false;
  END IF;
  EXECUTE format('CREATE TABLE %I PARTITION OF plate_reads FOR VALUES FROM (%L) TO (%L)',
    part, day::timestamp AT TIME ZONE 'UTC', (day + 1)::timestamp AT TIME ZONE 'UTC');
  RETURN true;
END $$;

SELECT plate_reads_ensure_partition(d::date)
  FROM generate_series((now() AT TIME ZONE 'UTC')::date - 8, (now() AT TIME ZONE 'UTC')::date + 2, interval '1 day') AS d;

-- Pictures, stored once by content hash. last_captured_at is the newest read using it, so
-- retention can drop a picture without scanning reads.
CREATE TABLE plate_images (
  sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  mime text NOT NULL CHECK (mime ~ '^image/[a-z0-9.+-]+$'),
  size_bytes integer NOT NULL CHECK (size_bytes > 0),
  content bytea NOT NULL,
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  last_captured_at timestamptz NOT NULL,
  retained boolean NOT NULL DEFAULT false
);
CREATE INDEX plate_images_last_idx ON plate_images (last_captured_at) WHERE NOT retained;

-- ---------------------------------------------------------------- dead letters
CREATE TABLE ingest_dead_letters (
  id bigserial PRIMARY KEY,
  received_at timestamptz NOT NULL,
  last_received_at timestamptz NOT NULL,
  occurrences integer NOT NULL DEFAULT 1,
  format text NOT NULL CHECK (length(format) <= 40),
  reason_code text NOT NULL CHECK (reason_code ~ '^[a-z_]{1,40}$'),
  message text NOT NULL CHECK (length(message) <= 2000),
  message_zh text NOT NULL CHECK (length(message_zh) <= 2000),
  field text CHECK (length(field) <= 200),
  source_ip inet,
  device_hint text CHECK (length(device_hint) <= 200),
  -- Who pushed it: "token:<id>:<name>" or "device:<username>"
  auth_actor text NOT NULL,
  content_type text CHECK (length(content_type) <= 300),
  headers jsonb NOT NULL DEFAULT '{}'::jsonb,
  payload bytea NOT NULL,
  payload_size integer NOT NULL,
  payload_truncated boolean NOT NULL,
  payload_sha256 text NOT NULL,
  status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'replayed', 'discarded')),
  replayed_at timestamptz,
  replayed_by text,
  replay_result jsonb
);
CREATE UNIQUE INDEX ingest_dead_letters_same_idx ON ingest_dead_letters (format, payload_sha256) WHERE status = 'new';
CREATE INDEX ingest_dead_letters_reason_idx ON ingest_dead_letters (reason_code, id) WHERE status = 'new';
CREATE INDEX ingest_dead_letters_time_idx ON ingest_dead_letters (received_at);

-- ---------------------------------------------------------------- hotlists
CREATE TABLE hotlist_reason_codes (
  code text PRIMARY KEY CHECK (code ~ '^[a-z_]{1,40}$'),
  name text NOT NULL,
  name_en text NOT NULL,
  active boolean NOT NULL DEFAULT true
);
INSERT INTO hotlist_reason_codes (code, name, name_en) VALUES
  ('stolen_vehicle', '被盗抢车辆', 'Stolen vehicle'),
  ('case_involved', '涉案车辆', 'Vehicle involved in a case'),
  ('cloned_plate', '套牌/假牌车辆', 'Cloned or false plate'),
  ('dangerous_goods', '危险品运输违规车辆', 'Dangerous goods transport violation');

CREATE TABLE hotlists (
  id bigserial PRIMARY KEY,
  name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
  description text CHECK (length(description) <= 1000),
  created_by bigint REFERENCES users (id),
  created_by_actor text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  archived_at timestamptz
);

CREATE TABLE hotlist_entries (
  id bigserial PRIMARY KEY,
  hotlist_id bigint NOT NULL REFERENCES hotlists (id),
  plate_text text NOT NULL CHECK (length(plate_text) BETWEEN 2 AND 32),
  plate_colour text,
  match_level text NOT NULL CHECK (match_level IN ('exact', 'confusable', 'confusable_plus_one')),
  reason_code text NOT NULL REFERENCES hotlist_reason_codes (code),
  case_reference text NOT NULL CHECK (length(case_reference) BETWEEN 1 AND 64),
  priority text NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  expires_at timestamptz NOT NULL,
  note text CHECK (length(note) <= 1000),
  created_by bigint REFERENCES users (id),
  created_by_actor text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  removed_at timestamptz,
  removed_by_actor text
);
CREATE INDEX hotlist_entries_list_idx ON hotlist_entries (hotlist_id) WHERE removed_at IS NULL;
CREATE INDEX hotlist_entries_live_idx ON hotlist_entries (expires_at) WHERE removed_at IS NULL;
CREATE TRIGGER hotlist_entries_bump AFTER INSERT OR UPDATE OR DELETE ON hotlist_entries
  FOR EACH STATEMENT EXECUTE FUNCTION plate_config_bump('hotlists');
CREATE TRIGGER hotlists_bump AFTER INSERT OR UPDATE OR DELETE ON hotlists
  FOR EACH STATEMENT EXECUTE FUNCTION plate_config_bump('hotlists');

CREATE TABLE hotlist_hits (
  id bigserial PRIMARY KEY,
  read_id bigint NOT NULL,
  read_captured_at timestamptz NOT NULL,
  entry_id bigint NOT NULL REFERENCES hotlist_entries (id),
  hotlist_id bigint NOT NULL REFERENCES hotlists (id),
  plate_text text NOT NULL,
  listed_plate text NOT NULL,
  match_level text NOT NULL,
  camera_id text,
  checkpoint_id text,
  cell_code text,
  cell_path text[],
  incident_id bigint REFERENCES incidents (id),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'dismissed')),
  reviewed_by bigint REFERENCES users (id),
  reviewed_by_actor text,
  reviewed_at timestamptz,
  review_note text CHECK (length(review_note) <= 2000),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (read_id, entry_id)
);
CREATE INDEX hotlist_hits_read_idx ON hotlist_hits (read_id);
CREATE INDEX hotlist_hits_status_idx ON hotlist_hits (status, created_at DESC);
CREATE INDEX hotlist_hits_cell_idx ON hotlist_hits USING gin (cell_path);

-- ---------------------------------------------------------------- checkpoint flow
-- Vehicles per lane per 5 minutes, rolled up from reads by a job. Counts are not personal
-- data, so they outlive read retention and feed the hour-of-week baseline.
CREATE TABLE checkpoint_lane_flow (
  checkpoint_id text NOT NULL REFERENCES checkpoints (id) ON DELETE CASCADE,
  lane smallint NOT NULL,
  bucket_start timestamptz NOT NULL,
  vehicles integer NOT NULL CHECK (vehicles >= 0),
  PRIMARY KEY (checkpoint_id, lane, bucket_start)
);
CREATE INDEX checkpoint_lane_flow_time_idx ON checkpoint_lane_flow (bucket_start);

CREATE TABLE checkpoint_silence_alerts (
  id bigserial PRIMARY KEY,
  checkpoint_id text NOT NULL REFERENCES checkpoints (id) ON DELETE CASCADE,
  lane smallint NOT NULL,
  silent_since timestamptz NOT NULL,
  expected_vehicles double precision NOT NULL,
  raised_at timestamptz NOT NULL,
  cleared_at timestamptz,
  incident_id bigint REFERENCES incidents (id)
);
CREATE UNIQUE INDEX checkpoint_silence_open_idx ON checkpoint_silence_alerts (checkpoint_id, lane) WHERE cleared_at IS NULL;

-- ---------------------------------------------------------------- settings
INSERT INTO settings (key, value) VALUES
  ('plates.search_purposes', '[
     {"code": "case_investigation", "name": "案件侦查", "name_en": "Case investigation"},
     {"code": "hotlist_hit_verification", "name": "布控命中核实", "name_en": "Hotlist hit verification"},
     {"code": "traffic_accident", "name": "交通事故处理", "name_en": "Traffic accident handling"},
     {"code": "missing_vehicle", "name": "失窃车辆查找", "name_en": "Missing vehicle search"}
   ]'::jsonb),
  ('checkpoints.silence', '{"min_silent_minutes": 20, "expected_vehicles": 6, "baseline_weeks": 4, "min_weeks": 2}'::jsonb)
ON CONFLICT (key) DO NOTHING;
