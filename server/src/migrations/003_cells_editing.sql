-- Cell editing: the code scheme per level, topology bookkeeping (accepted gaps), successor
-- links for moved/merged cells, leader/worker assignment history, and cell file imports.

-- The code scheme: a level's code keeps its first `prefix_length` characters and pads
-- the rest with zeros; the deepest level's prefix length is the code length.
ALTER TABLE cell_levels ADD COLUMN prefix_length smallint CHECK (prefix_length BETWEEN 1 AND 32);
ALTER TABLE cell_levels ADD COLUMN name_zh text;
ALTER TABLE cell_levels ADD COLUMN name_en text;
UPDATE cell_levels SET
  prefix_length = CASE level WHEN 'district' THEN 6 WHEN 'street' THEN 9 WHEN 'community' THEN 12 ELSE 15 END,
  name_zh = CASE level WHEN 'district' THEN '区(县)' WHEN 'street' THEN '街道(乡镇)' WHEN 'community' THEN '社区(村)' ELSE '网格' END,
  name_en = initcap(level);
ALTER TABLE cell_levels ALTER COLUMN prefix_length SET NOT NULL;
ALTER TABLE cell_levels ADD CONSTRAINT cell_levels_prefix_unique UNIQUE (prefix_length);

-- When a cell is moved (re-coded) or merged away, the cells that took its place.
ALTER TABLE cells ADD COLUMN successor_codes text[];
CREATE INDEX cells_current_parent_idx ON cells (parent_code) WHERE retired_at IS NULL;

-- A cell's version history is looked up by time.
CREATE INDEX cell_versions_time_idx ON cell_versions (code, valid_from);

-- Parts of a parent its children need not cover (a lake, a military zone), accepted by an admin.
CREATE TABLE cell_accepted_gaps (
  id bigserial PRIMARY KEY,
  parent_code text NOT NULL REFERENCES cells (code),
  geom geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  accepted_by bigint REFERENCES users (id),
  accepted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cell_accepted_gaps_parent_idx ON cell_accepted_gaps (parent_code);

-- Who leads and who works in a grid, with history: a row is current while valid_to is null.
CREATE TABLE cell_assignments (
  id bigserial PRIMARY KEY,
  cell_code text NOT NULL REFERENCES cells (code),
  user_id bigint NOT NULL REFERENCES users (id),
  role text NOT NULL CHECK (role IN ('leader', 'worker')),
  valid_from timestamptz NOT NULL DEFAULT now(),
  valid_to timestamptz,
  assigned_by bigint REFERENCES users (id),
  CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE UNIQUE INDEX cell_assignments_one_leader ON cell_assignments (cell_code) WHERE role = 'leader' AND valid_to IS NULL;
CREATE UNIQUE INDEX cell_assignments_current_once ON cell_assignments (cell_code, user_id) WHERE valid_to IS NULL;
CREATE INDEX cell_assignments_user_idx ON cell_assignments (user_id) WHERE valid_to IS NULL;

-- A cell file import: dry run first (report), then apply. The normalised cells are kept so
-- "apply" applies exactly what the report described.
CREATE TABLE cell_imports (
  id bigserial PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('parsing', 'checking', 'ready', 'rejected', 'applied', 'failed')),
  file_name text NOT NULL,
  file_sha256 text NOT NULL,
  format text,
  crs text,
  progress jsonb NOT NULL DEFAULT '{}'::jsonb,
  error jsonb,
  report jsonb,
  cells jsonb,
  root_code text,
  created_by bigint REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  applied_at timestamptz
);
