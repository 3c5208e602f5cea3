-- Core schema, first cut: cells, checkpoints, cameras. Later migrations extend these.
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE cell_levels (
  level text PRIMARY KEY,
  depth smallint NOT NULL UNIQUE CHECK (depth >= 0)
);
INSERT INTO cell_levels (level, depth) VALUES ('district', 0), ('street', 1), ('community', 2), ('grid', 3);

-- Current state of every cell. `path` holds the codes from the root down to this cell so
-- "this cell and everything below it" is an array-overlap test on an indexed column.
CREATE TABLE cells (
  code text PRIMARY KEY CHECK (code ~ '^[0-9A-Za-z]{1,32}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  name_en text,
  level text NOT NULL REFERENCES cell_levels (level),
  parent_code text REFERENCES cells (code),
  path text[] NOT NULL,
  geom geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
  version integer NOT NULL DEFAULT 1,
  retired_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((level = 'district') = (parent_code IS NULL))
);
CREATE INDEX cells_geom_idx ON cells USING gist (geom) WHERE retired_at IS NULL;
CREATE INDEX cells_path_idx ON cells USING gin (path);
CREATE INDEX cells_parent_idx ON cells (parent_code);

-- Every version a cell has had, so past incidents and reads keep the cell they had.
CREATE TABLE cell_versions (
  code text NOT NULL,
  version integer NOT NULL,
  name text NOT NULL,
  name_en text,
  level text NOT NULL,
  parent_code text,
  geom geometry(MultiPolygon, 4326) NOT NULL,
  valid_from timestamptz NOT NULL,
  valid_to timestamptz,
  PRIMARY KEY (code, version)
);
CREATE INDEX cell_versions_geom_idx ON cell_versions USING gist (geom);

CREATE FUNCTION cells_record_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    UPDATE cell_versions SET valid_to = now() WHERE code = OLD.code AND valid_to IS NULL;
  END IF;
  IF NEW.retired_at IS NULL THEN
    INSERT INTO cell_versions (code, version, name, name_en, level, parent_code, geom, valid_from)
    VALUES (NEW.code, NEW.version, NEW.name, NEW.name_en, NEW.level, NEW.parent_code, NEW.geom, now());
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER cells_versioning AFTER INSERT OR UPDATE ON cells
  FOR EACH ROW EXECUTE FUNCTION cells_record_version();

CREATE TABLE checkpoints (
  id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,64}$'),
  name text NOT NULL,
  name_en text,
  grade char(1) NOT NULL CHECK (grade IN ('A', 'B', 'C')),
  road text NOT NULL,
  direction text NOT NULL CHECK (direction IN ('northbound', 'southbound', 'eastbound', 'westbound', 'both')),
  cell_code text REFERENCES cells (code),
  geom geometry(Point, 4326) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX checkpoints_geom_idx ON checkpoints USING gist (geom);
CREATE INDEX checkpoints_cell_idx ON checkpoints (cell_code);

CREATE TABLE cameras (
  id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,64}$'),
  name text NOT NULL,
  vendor text NOT NULL,
  model text,
  geom geometry(Point, 4326) NOT NULL,
  bearing double precision CHECK (bearing >= 0 AND bearing < 360),
  fov_deg double precision CHECK (fov_deg > 0 AND fov_deg <= 360),
  range_m double precision CHECK (range_m > 0 AND range_m <= 5000),
  mounting_height_m double precision CHECK (mounting_height_m >= 0 AND mounting_height_m <= 200),
  checkpoint_id text REFERENCES checkpoints (id),
  lane smallint CHECK (lane > 0),
  cell_code text REFERENCES cells (code),
  status text NOT NULL DEFAULT 'unknown' CHECK (status IN
    ('online', 'degraded', 'offline', 'auth_failed', 'no_video', 'tampered', 'maintenance', 'unknown')),
  status_since timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((lane IS NULL) OR (checkpoint_id IS NOT NULL))
);
CREATE INDEX cameras_geom_idx ON cameras USING gist (geom);
CREATE INDEX cameras_cell_idx ON cameras (cell_code);
CREATE INDEX cameras_checkpoint_idx ON cameras (checkpoint_id);

CREATE TABLE checkpoint_lanes (
  checkpoint_id text NOT NULL REFERENCES checkpoints (id) ON DELETE CASCADE,
  lane smallint NOT NULL CHECK (lane > 0),
  direction text NOT NULL,
  camera_id text REFERENCES cameras (id),
  PRIMARY KEY (checkpoint_id, lane)
);
