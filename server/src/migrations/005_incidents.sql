-- Incidents with their timeline, attachments, duplicates and callbacks; working-time
-- calendars and time limits; daily (zero) reports. Owned by features/incidents, calendar,
-- reports and stats.

-- ---------------------------------------------------------------- categories
CREATE TABLE incident_categories (
  code text PRIMARY KEY CHECK (code ~ '^[a-z0-9_.-]{1,64}$'),
  parent_code text REFERENCES incident_categories (code),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  name_en text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 100),
  sort_order integer NOT NULL DEFAULT 0,
  active boolean NOT NULL DEFAULT true
);

INSERT INTO incident_categories (code, parent_code, name, name_en, sort_order) VALUES
  ('camera_fault', NULL, '摄像机故障', 'Camera fault', 10),
  ('hotlist_hit', NULL, '布控命中', 'Hotlist hit', 20),
  ('public_order', NULL, '治安秩序', 'Public order', 30),
  ('traffic', NULL, '交通', 'Traffic', 40),
  ('fire_risk', NULL, '消防隐患', 'Fire risk', 50),
  ('infrastructure_damage', NULL, '设施损坏', 'Infrastructure damage', 60),
  ('environment', NULL, '环境', 'Environment', 70),
  ('other', NULL, '其他', 'Other', 80),
  ('public_order.dispute', 'public_order', '矛盾纠纷', 'Dispute', 31),
  ('traffic.illegal_parking', 'traffic', '违章停车', 'Illegal parking', 41),
  ('traffic.congestion', 'traffic', '交通拥堵', 'Congestion', 42),
  ('infrastructure_damage.road', 'infrastructure_damage', '道路破损', 'Damaged road', 61),
  ('infrastructure_damage.streetlight', 'infrastructure_damage', '路灯损坏', 'Broken streetlight', 62),
  ('environment.waste', 'environment', '垃圾堆放', 'Dumped waste', 71);

-- ---------------------------------------------------------------- incidents
CREATE TABLE incidents (
  id bigserial PRIMARY KEY,
  category_code text NOT NULL REFERENCES incident_categories (code),
  source text NOT NULL CHECK (source IN
    ('camera_health', 'hotlist_hit', 'grid_worker_report', 'hotline_intake', 'manual', 'open311')),
  -- The id of the thing that opened it (camera id, hit id, hotline ticket), for idempotent intake.
  source_ref text CHECK (length(source_ref) BETWEEN 1 AND 200),
  priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  state text NOT NULL DEFAULT 'reported' CHECK (state IN ('reported', 'registered', 'dispatched',
    'in_progress', 'fed_back', 'verified', 'closed', 'returned', 'suspended', 'voided')),
  state_before_suspend text,
  description text NOT NULL CHECK (length(description) BETWEEN 1 AND 4000),
  geom geometry(Point, 4326) NOT NULL,
  cell_code text NOT NULL REFERENCES cells (code),
  camera_id text REFERENCES cameras (id),
  reporter_user_id bigint REFERENCES users (id),
  reporter text NOT NULL,
  assignee_user_id bigint REFERENCES users (id),
  accountable_user_id bigint REFERENCES users (id),
  merged_into_id bigint REFERENCES incidents (id),
  version integer NOT NULL DEFAULT 1,
  reported_at timestamptz NOT NULL,
  closed_at timestamptz,
  updated_at timestamptz NOT NULL,
  CHECK ((state = 'suspended') = (state_before_suspend IS NOT NULL))
);
CREATE INDEX incidents_cell_idx ON incidents (cell_code, reported_at DESC);
CREATE INDEX incidents_state_idx ON incidents (state);
CREATE INDEX incidents_geog_idx ON incidents USING gist ((geom::geography));
CREATE INDEX incidents_category_time_idx ON incidents (category_code, reported_at);
CREATE UNIQUE INDEX incidents_source_ref_idx ON incidents (source, source_ref)
  WHERE source_ref IS NOT NULL AND state NOT IN ('closed', 'voided');

-- The timeline: one row per thing that happened to an incident, never updated.
CREATE TABLE incident_events (
  id bigserial PRIMARY KEY,
  incident_id bigint NOT NULL REFERENCES incidents (id),
  kind text NOT NULL CHECK (kind IN ('created', 'transition', 'time_limit_warning', 'overdue',
    'merged_into', 'merged_from', 'callback', 'attachment')),
  action text,
  from_state text,
  to_state text,
  actor_user_id bigint REFERENCES users (id),
  actor text NOT NULL,
  occurred_at timestamptz NOT NULL,
  note text CHECK (length(note) <= 4000),
  details jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX incident_events_incident_idx ON incident_events (incident_id, id);

-- Photos, stored once by content hash; the media type was sniffed from the bytes.
CREATE TABLE attachments (
  sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  media_type text NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png', 'image/webp')),
  size_bytes integer NOT NULL CHECK (size_bytes > 0),
  content bytea NOT NULL,
  uploaded_by bigint REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE incident_event_attachments (
  event_id bigint NOT NULL REFERENCES incident_events (id),
  sha256 text NOT NULL REFERENCES attachments (sha256),
  PRIMARY KEY (event_id, sha256)
);
CREATE INDEX incident_event_attachments_sha_idx ON incident_event_attachments (sha256);

CREATE TABLE incident_duplicate_suggestions (
  incident_id bigint NOT NULL REFERENCES incidents (id),
  candidate_id bigint NOT NULL REFERENCES incidents (id),
  distance_m double precision NOT NULL,
  PRIMARY KEY (incident_id, candidate_id),
  CHECK (incident_id <> candidate_id)
);

CREATE TABLE incident_callbacks (
  incident_id bigint PRIMARY KEY REFERENCES incidents (id),
  rating text NOT NULL CHECK (rating IN ('satisfied', 'basically_satisfied', 'unsatisfied')),
  note text CHECK (length(note) <= 2000),
  recorded_by bigint REFERENCES users (id),
  recorded_at timestamptz NOT NULL
);

-- ---------------------------------------------------------------- working-time calendars
CREATE TABLE work_calendars (
  code text PRIMARY KEY CHECK (code ~ '^[a-z0-9_-]{1,64}$'),
  name text NOT NULL,
  name_en text NOT NULL,
  time_zone text NOT NULL,
  is_default boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX work_calendars_one_default ON work_calendars (is_default) WHERE is_default;

-- Regular working periods per ISO weekday (1 = Monday). Make-up working days use Monday's.
CREATE TABLE work_calendar_periods (
  calendar_code text NOT NULL REFERENCES work_calendars (code) ON DELETE CASCADE,
  iso_weekday smallint NOT NULL CHECK (iso_weekday BETWEEN 1 AND 7),
  starts_at time NOT NULL,
  ends_at time NOT NULL,
  PRIMARY KEY (calendar_code, iso_weekday, starts_at),
  CHECK (ends_at > starts_at)
);

-- Dates that differ from the weekly pattern: public holidays and the make-up working days.
CREATE TABLE work_calendar_days (
  calendar_code text NOT NULL REFERENCES work_calendars (code) ON DELETE CASCADE,
  day date NOT NULL,
  kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
  name text NOT NULL,
  name_en text NOT NULL,
  PRIMARY KEY (calendar_code, day)
);

INSERT INTO work_calendars (code, name, name_en, time_zone, is_default)
VALUES ('cn-mainland', '中国大陆标准工作日', 'Mainland China working days', 'Asia/Shanghai', true);

INSERT INTO work_calendar_periods (calendar_code, iso_weekday, starts_at, ends_at)
SELECT 'cn-mainland', d, p.s, p.e
  FROM generate_series(1, 5) AS d,
       (VALUES (time '09:00', time '12:00'), (time '13:00', time '18:00')) AS p (s, e);

-- 2026 public holidays and make-up working days, from 国务院办公厅关于2026年部分节假日安排的通知
-- (General Office of the State Council, 4 Nov 2025; published by Xinhua, e.g.
-- https://politics.gmw.cn/2025-11/04/content_38391083.htm).
INSERT INTO work_calendar_days (calendar_code, day, kind, name, name_en)
SELECT 'cn-mainland', d::date, 'holiday', h.name, h.name_en
  FROM (VALUES
    (date '2026-01-01', date '2026-01-03', '元旦', 'New Year''s Day'),
    (date '2026-02-15', date '2026-02-23', '春节', 'Spring Festival'),
    (date '2026-04-04', date '2026-04-06', '清明节', 'Qingming Festival'),
    (date '2026-05-01', date '2026-05-05', '劳动节', 'Labour Day'),
    (date '2026-06-19', date '2026-06-21', '端午节', 'Dragon Boat Festival'),
    (date '2026-09-25', date '2026-09-27', '中秋节', 'Mid-Autumn Festival'),
    (date '2026-10-01', date '2026-10-07', '国庆节', 'National Day')
  ) AS h (first_day, last_day, name, name_en),
  generate_series(h.first_day, h.last_day, interval '1 day') AS d;

INSERT INTO work_calendar_days (calendar_code, day, kind, name, name_en) VALUES
  ('cn-mainland', '2026-01-04', 'workday', '元旦调休上班', 'New Year make-up working day'),
  ('cn-mainland', '2026-02-14', 'workday', '春节调休上班', 'Spring Festival make-up working day'),
  ('cn-mainland', '2026-02-28', 'workday', '春节调休上班', 'Spring Festival make-up working day'),
  ('cn-mainland', '2026-05-09', 'workday', '劳动节调休上班', 'Labour Day make-up working day'),
  ('cn-mainland', '2026-09-20', 'workday', '国庆节调休上班', 'National Day make-up working day'),
  ('cn-mainland', '2026-10-10', 'workday', '国庆节调休上班', 'National Day make-up working day');

-- ---------------------------------------------------------------- time limits
-- Working minutes allowed per stage. NULL category or priority = applies to all; the most
-- specific row wins (category before priority).
CREATE TABLE incident_time_limits (
  id serial PRIMARY KEY,
  category_code text REFERENCES incident_categories (code),
  priority text CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  stage text NOT NULL CHECK (stage IN ('register', 'dispatch', 'resolve', 'verify')),
  limit_minutes integer NOT NULL CHECK (limit_minutes > 0),
  UNIQUE NULLS NOT DISTINCT (category_code, priority, stage)
);

INSERT INTO incident_time_limits (category_code, priority, stage, limit_minutes) VALUES
  (NULL, NULL, 'register', 240),      -- half a working day (8 h days)
  (NULL, 'urgent', 'register', 30),
  (NULL, NULL, 'dispatch', 60),
  (NULL, 'urgent', 'dispatch', 15),
  (NULL, 'low', 'resolve', 2880),
  (NULL, 'normal', 'resolve', 1440),
  (NULL, 'high', 'resolve', 480),
  (NULL, 'urgent', 'resolve', 120),
  (NULL, NULL, 'verify', 480),
  (NULL, 'urgent', 'verify', 120),
  ('camera_fault', 'normal', 'resolve', 960),
  ('fire_risk', NULL, 'resolve', 240);

-- One row per stage an incident went through; the open row (finished_at IS NULL) is the
-- running or paused time limit. The scheduled jobs only wake the handler: this row decides.
CREATE TABLE incident_deadlines (
  id bigserial PRIMARY KEY,
  incident_id bigint NOT NULL REFERENCES incidents (id),
  stage text NOT NULL CHECK (stage IN ('register', 'dispatch', 'resolve', 'verify')),
  calendar_code text NOT NULL REFERENCES work_calendars (code),
  limit_minutes integer NOT NULL CHECK (limit_minutes > 0),
  started_at timestamptz NOT NULL,
  -- Start of the current running stretch; NULL while paused (incident suspended).
  running_since timestamptz,
  -- Working minutes used before running_since (earlier stretches).
  used_minutes double precision NOT NULL DEFAULT 0,
  warn_at timestamptz,
  due_at timestamptz,
  warned_at timestamptz,
  overdue_at timestamptz,
  finished_at timestamptz
);
CREATE UNIQUE INDEX incident_deadlines_open_idx ON incident_deadlines (incident_id) WHERE finished_at IS NULL;
CREATE INDEX incident_deadlines_incident_idx ON incident_deadlines (incident_id);

-- ---------------------------------------------------------------- daily reports
CREATE TABLE daily_reports (
  id bigserial PRIMARY KEY,
  cell_code text NOT NULL REFERENCES cells (code),
  report_date date NOT NULL,
  nothing_to_report boolean NOT NULL,
  note text CHECK (length(note) <= 2000),
  filed_by bigint REFERENCES users (id),
  filed_by_actor text NOT NULL,
  filed_at timestamptz NOT NULL,
  late boolean NOT NULL,
  UNIQUE (cell_code, report_date)
);

CREATE TABLE daily_report_items (
  report_id bigint NOT NULL REFERENCES daily_reports (id),
  position smallint NOT NULL CHECK (position > 0),
  description text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
  category_code text REFERENCES incident_categories (code),
  geom geometry(Point, 4326),
  incident_id bigint REFERENCES incidents (id),
  PRIMARY KEY (report_id, position)
);

-- Reminders and missing notices already sent, so a restarted job never sends twice.
CREATE TABLE daily_report_notices (
  cell_code text NOT NULL REFERENCES cells (code),
  report_date date NOT NULL,
  kind text NOT NULL CHECK (kind IN ('reminder', 'missing')),
  sent_at timestamptz NOT NULL,
  PRIMARY KEY (cell_code, report_date, kind)
);

INSERT INTO settings (key, value) VALUES
  ('reports.daily', '{"deadline": "17:00", "remind_minutes_before": 60, "time_zone": "Asia/Shanghai"}'),
  ('incidents.duplicates', '{"radius_m": 100, "window_hours": 24}')
ON CONFLICT (key) DO NOTHING;
