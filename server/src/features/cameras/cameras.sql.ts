import type { Queryable } from "../../db/pool.js";
import { type Bbox, bboxClause, cellScopeClause, geoPageParams } from "../../http/geojson.js";
import type { RtspProfile } from "./cameras.schemas.js";

export async function selectCameraPage(
  db: Queryable,
  q: {
    scope: readonly string[];
    bbox?: Bbox | undefined;
    cursor?: string | undefined;
    limit: number;
    status?: string | undefined;
  },
): Promise<{ feature: unknown; key: string }[]> {
  const { rows } = await db.query<{ feature: unknown; key: string }>(
    `SELECT json_build_object('type', 'Feature', 'id', c.id, 'geometry', ST_AsGeoJSON(c.geom, 7)::json,
              'properties', json_build_object('id', c.id, 'name', c.name, 'vendor', c.vendor, 'model', c.model,
                'bearing', c.bearing, 'fov_deg', c.fov_deg, 'range_m', c.range_m, 'mounting_height_m', c.mounting_height_m,
                'checkpoint_id', c.checkpoint_id, 'lane', c.lane, 'cell_code', c.cell_code,
                'status', c.status, 'status_since', c.status_since)) AS feature, c.id AS key
       FROM cameras c
      WHERE ${cellScopeClause("c.cell_code")} AND ${bboxClause("c.geom")}
        AND ($6::text IS NULL OR c.id > $6) AND ($8::text IS NULL OR c.status = $8)
      ORDER BY c.id LIMIT $7`,
    [...geoPageParams(q.scope, q.bbox, q.cursor, q.limit), q.status ?? null],
  );
  return rows;
}

/** What the API shows of a camera. Never includes credentials_enc (only whether there are credentials). */
export interface CameraView {
  id: string;
  name: string;
  name_en: string | null;
  vendor: string;
  model: string | null;
  firmware: string | null;
  serial_number: string | null;
  mac_address: string | null;
  onvif_address: string | null;
  has_credentials: boolean;
  rtsp_profiles: RtspProfile[];
  location: { lon: number; lat: number };
  mounting_height_m: number | null;
  bearing: number | null;
  fov_deg: number | null;
  range_m: number | null;
  checkpoint_id: string | null;
  lane: number | null;
  cell_code: string | null;
  cell_override: string | null;
  install_date: string | null;
  maintainer: string | null;
  clock_offset_ms: number | null;
  onboarded_at: string | null;
  status: string;
  status_since: string;
  version: number;
  created_at: string;
  updated_at: string;
}

/** The JSON of one camera for the API, built in SQL so every endpoint shows the same fields. */
const cameraViewSql = (c: string) => `json_build_object(
    'id', ${c}.id, 'name', ${c}.name, 'name_en', ${c}.name_en, 'vendor', ${c}.vendor, 'model', ${c}.model,
    'firmware', ${c}.firmware, 'serial_number', ${c}.serial_number, 'mac_address', ${c}.mac_address,
    'onvif_address', ${c}.onvif_address, 'has_credentials', ${c}.credentials_enc IS NOT NULL,
    'rtsp_profiles', ${c}.rtsp_profiles,
    'location', json_build_object('lon', round(ST_X(${c}.geom)::numeric, 7), 'lat', round(ST_Y(${c}.geom)::numeric, 7)),
    'mounting_height_m', ${c}.mounting_height_m, 'bearing', ${c}.bearing, 'fov_deg', ${c}.fov_deg, 'range_m', ${c}.range_m,
    'checkpoint_id', ${c}.checkpoint_id, 'lane', ${c}.lane, 'cell_code', ${c}.cell_code, 'cell_override', ${c}.cell_override,
    'install_date', ${c}.install_date, 'maintainer', ${c}.maintainer, 'clock_offset_ms', ${c}.clock_offset_ms,
    'onboarded_at', ${c}.onboarded_at, 'status', ${c}.status, 'status_since', ${c}.status_since,
    'version', ${c}.version, 'created_at', ${c}.created_at, 'updated_at', ${c}.updated_at)`;

/** The current leaf cell covering a point, lowest code on shared edges (same rule as features/cell-lookup). */
export const coveringCellSql = (point: string) =>
  `(SELECT lc.code FROM cells lc
     WHERE lc.retired_at IS NULL AND lc.level = (SELECT level FROM cell_levels ORDER BY depth DESC LIMIT 1)
       AND ST_Covers(lc.geom, ${point})
     ORDER BY lc.code COLLATE "C" LIMIT 1)`;

export async function selectCameraView(db: Queryable, id: string): Promise<CameraView | null> {
  const { rows } = await db.query<{ v: CameraView }>(
    `SELECT ${cameraViewSql("c")} AS v FROM cameras c WHERE c.id = $1`,
    [id],
  );
  return rows[0]?.v ?? null;
}

export async function selectCameraCell(
  db: Queryable,
  id: string,
): Promise<{ cell_code: string | null } | null> {
  const { rows } = await db.query<{ cell_code: string | null }>(
    "SELECT cell_code FROM cameras WHERE id = $1",
    [id],
  );
  return rows[0] ?? null;
}

/** Cell a new location would get: the override when given, else the covering leaf cell. */
export async function selectDerivedCells(
  db: Queryable,
  points: readonly { lon: number; lat: number; cell_override: string | null }[],
): Promise<(string | null)[]> {
  const { rows } = await db.query<{ cell: string | null }>(
    `SELECT COALESCE(p.cell_override, ${coveringCellSql("ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)")}) AS cell
       FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (lon float8, lat float8, cell_override text)) WITH ORDINALITY AS p(lon, lat, cell_override, n)
      ORDER BY p.n`,
    [JSON.stringify(points)],
  );
  return rows.map((r) => r.cell);
}

/** Cells (of a list) that are inside the scope (the caller's assigned cells and below). */
export async function selectCellsInScope(
  db: Queryable,
  cells: readonly string[],
  scope: readonly string[],
): Promise<Set<string>> {
  const { rows } = await db.query<{ code: string }>(
    "SELECT code FROM cells WHERE code = ANY($1::text[]) AND path && $2::text[]",
    [cells, scope],
  );
  return new Set(rows.map((r) => r.code));
}

export async function selectExistingCells(db: Queryable, cells: readonly string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ code: string }>(
    "SELECT code FROM cells WHERE code = ANY($1::text[]) AND retired_at IS NULL",
    [cells],
  );
  return new Set(rows.map((r) => r.code));
}

export interface DuplicateKeyInput {
  index: number;
  id: string;
  serial_number: string | null;
  mac_address: string | null;
  onvif_address: string | null;
}

export interface DuplicateHit {
  index: number;
  field: "id" | "serial_number" | "mac_address" | "onvif_address";
  value: string;
  existing_id: string;
  existing_name: string;
}

/** Stored cameras (other than the row itself) that share an id, serial, MAC or ONVIF address. */
export async function selectDuplicates(
  db: Queryable,
  rows: readonly DuplicateKeyInput[],
  opts: { checkId: boolean },
): Promise<DuplicateHit[]> {
  const { rows: hits } = await db.query<DuplicateHit>(
    `WITH r AS (SELECT * FROM jsonb_to_recordset($1::jsonb)
                 AS r("index" int, id text, serial_number text, mac_address text, onvif_address text))
     SELECT r."index", 'id' AS field, r.id AS value, c.id AS existing_id, c.name AS existing_name
       FROM r JOIN cameras c ON c.id = r.id WHERE $2::boolean
     UNION ALL
     SELECT r."index", 'serial_number', r.serial_number, c.id, c.name
       FROM r JOIN cameras c ON lower(c.serial_number) = lower(r.serial_number) AND c.id <> r.id
     UNION ALL
     SELECT r."index", 'mac_address', r.mac_address, c.id, c.name
       FROM r JOIN cameras c ON c.mac_address = r.mac_address AND c.id <> r.id
     UNION ALL
     SELECT r."index", 'onvif_address', r.onvif_address, c.id, c.name
       FROM r JOIN cameras c ON lower(c.onvif_address) = lower(r.onvif_address) AND c.id <> r.id
     ORDER BY 1, 2`,
    [JSON.stringify(rows), opts.checkId],
  );
  return hits;
}

/** A complete camera row as the service writes it (credentials already sealed). */
export interface CameraRecord {
  id: string;
  name: string;
  name_en: string | null;
  vendor: string;
  model: string | null;
  firmware: string | null;
  serial_number: string | null;
  mac_address: string | null;
  onvif_address: string | null;
  rtsp_profiles: RtspProfile[];
  lon: number;
  lat: number;
  mounting_height_m: number | null;
  bearing: number | null;
  fov_deg: number | null;
  range_m: number | null;
  checkpoint_id: string | null;
  lane: number | null;
  cell_override: string | null;
  install_date: string | null;
  maintainer: string | null;
}

const recordColumns = `id text, name text, name_en text, vendor text, model text, firmware text, serial_number text,
  mac_address text, onvif_address text, rtsp_profiles jsonb, lon float8, lat float8, mounting_height_m float8,
  bearing float8, fov_deg float8, range_m float8, checkpoint_id text, lane smallint, cell_override text,
  install_date date, maintainer text, credentials_enc text`;

/** Inserts cameras in one statement; the cell is derived from the location unless overridden. */
export async function insertCameras(
  db: Queryable,
  rows: readonly (CameraRecord & { credentials_enc: string | null })[],
  healthJson: unknown,
): Promise<string[]> {
  const { rows: inserted } = await db.query<{ id: string }>(
    `WITH r AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(${recordColumns})),
     ins AS (
       INSERT INTO cameras (id, name, name_en, vendor, model, firmware, serial_number, mac_address, onvif_address,
                            credentials_enc, rtsp_profiles, geom, mounting_height_m, bearing, fov_deg, range_m,
                            checkpoint_id, lane, cell_override, cell_code, install_date, maintainer)
       SELECT r.id, r.name, r.name_en, r.vendor, r.model, r.firmware, r.serial_number, r.mac_address, r.onvif_address,
              r.credentials_enc, r.rtsp_profiles, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326), r.mounting_height_m,
              r.bearing, r.fov_deg, r.range_m, r.checkpoint_id, r.lane, r.cell_override,
              COALESCE(r.cell_override, ${coveringCellSql("ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)")}),
              r.install_date, r.maintainer
         FROM r
       RETURNING id)
     INSERT INTO camera_health (camera_id, machine, state, since)
     SELECT ins.id, $2::jsonb, 'unknown', now() FROM ins
     RETURNING camera_id AS id`,
    [JSON.stringify(rows), JSON.stringify(healthJson)],
  );
  return inserted.map((r) => r.id);
}

/**
 * Writes a changed camera. `credentials_enc` undefined keeps the stored secret; a string or
 * null replaces it and bumps credentials_version (which lets the poller leave auth_failed).
 */
export async function updateCameraRow(
  db: Queryable,
  row: CameraRecord & { credentials_enc?: string | null | undefined },
  expectedVersion: number | null,
): Promise<boolean> {
  const keep = row.credentials_enc === undefined;
  const { rowCount } = await db.query(
    `WITH r AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(${recordColumns}))
     UPDATE cameras c SET name = r.name, name_en = r.name_en, vendor = r.vendor, model = r.model, firmware = r.firmware,
            serial_number = r.serial_number, mac_address = r.mac_address, onvif_address = r.onvif_address,
            credentials_enc = CASE WHEN $2::boolean THEN c.credentials_enc ELSE r.credentials_enc END,
            credentials_version = c.credentials_version + CASE WHEN $2::boolean THEN 0 ELSE 1 END,
            rtsp_profiles = r.rtsp_profiles, geom = ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326),
            mounting_height_m = r.mounting_height_m, bearing = r.bearing, fov_deg = r.fov_deg, range_m = r.range_m,
            checkpoint_id = r.checkpoint_id, lane = r.lane, cell_override = r.cell_override,
            cell_code = COALESCE(r.cell_override, ${coveringCellSql("ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)")}),
            install_date = r.install_date, maintainer = r.maintainer, version = c.version + 1, updated_at = now()
       FROM r
      WHERE c.id = r.id AND ($3::int IS NULL OR c.version = $3::int)`,
    [JSON.stringify([{ ...row, credentials_enc: row.credentials_enc ?? null }]), keep, expectedVersion],
  );
  return (rowCount ?? 0) === 1;
}

/** The stored camera as a record (for merging a partial update), locked for the transaction. */
export async function selectCameraRecordForUpdate(
  db: Queryable,
  id: string,
): Promise<(CameraRecord & { version: number; cell_code: string | null }) | null> {
  const { rows } = await db.query<CameraRecord & { version: number; cell_code: string | null }>(
    `SELECT id, name, name_en, vendor, model, firmware, serial_number, mac_address, onvif_address, rtsp_profiles,
            ST_X(geom) AS lon, ST_Y(geom) AS lat, mounting_height_m, bearing, fov_deg, range_m, checkpoint_id, lane,
            cell_override, to_char(install_date, 'YYYY-MM-DD') AS install_date, maintainer, version, cell_code
       FROM cameras WHERE id = $1 FOR UPDATE`,
    [id],
  );
  return rows[0] ?? null;
}

export async function deleteCameraRow(db: Queryable, id: string): Promise<boolean> {
  await db.query("UPDATE checkpoint_lanes SET camera_id = NULL WHERE camera_id = $1", [id]);
  const { rowCount } = await db.query("DELETE FROM cameras WHERE id = $1", [id]);
  return (rowCount ?? 0) === 1;
}

export async function countOpenReferences(
  db: Queryable,
  id: string,
): Promise<{ incidents: number; tickets: number }> {
  const { rows } = await db.query<{ incidents: number; tickets: number }>(
    `SELECT (SELECT count(*)::int FROM incidents WHERE camera_id = $1) AS incidents,
            (SELECT count(*)::int FROM repair_tickets WHERE camera_id = $1) AS tickets`,
    [id],
  );
  return rows[0]!;
}

/** What onboarding learned, written into the inventory (only fields the device reports). */
export async function updateOnboardedInventory(
  db: Queryable,
  id: string,
  o: {
    vendor: string;
    model: string;
    firmware: string;
    serial_number: string;
    mac_address: string | null;
    onvif_address: string;
    rtsp_profiles: RtspProfile[];
    clock_offset_ms: number;
    onboarding: unknown;
    at: Date;
  },
): Promise<void> {
  await db.query(
    `UPDATE cameras SET vendor = $2, model = $3, firmware = $4, serial_number = $5,
            mac_address = COALESCE($6, mac_address), onvif_address = $7, rtsp_profiles = $8::jsonb,
            clock_offset_ms = $9, onboarding = $10::jsonb, onboarded_at = $11, version = version + 1, updated_at = now()
      WHERE id = $1`,
    [
      id,
      o.vendor,
      o.model,
      o.firmware,
      o.serial_number,
      o.mac_address,
      o.onvif_address,
      JSON.stringify(o.rtsp_profiles),
      o.clock_offset_ms,
      JSON.stringify(o.onboarding),
      o.at,
    ],
  );
}

/** Connection details for the poller and onboarding: the only reader of credentials_enc. */
export interface CameraConnection {
  id: string;
  cell_code: string | null;
  onvif_address: string | null;
  credentials_enc: string | null;
  credentials_version: number;
  rtsp_profiles: RtspProfile[];
  clock_offset_ms: number | null;
}

export async function selectCameraConnections(
  db: Queryable,
  ids: readonly string[],
): Promise<CameraConnection[]> {
  const { rows } = await db.query<CameraConnection>(
    `SELECT id, cell_code, onvif_address, credentials_enc, credentials_version, rtsp_profiles, clock_offset_ms
       FROM cameras WHERE id = ANY($1::text[])`,
    [ids],
  );
  return rows;
}

/** ONVIF addresses already in the inventory (to tell discovered devices apart). */
export async function selectKnownOnvifHosts(db: Queryable): Promise<{ id: string; onvif_address: string }[]> {
  const { rows } = await db.query<{ id: string; onvif_address: string }>(
    "SELECT id, onvif_address FROM cameras WHERE onvif_address IS NOT NULL",
  );
  return rows;
}

export async function selectCamerasByIds(db: Queryable, ids: readonly string[]): Promise<CameraView[]> {
  const { rows } = await db.query<{ v: CameraView }>(
    `SELECT ${cameraViewSql("c")} AS v FROM cameras c WHERE c.id = ANY($1::text[]) ORDER BY c.id`,
    [ids],
  );
  return rows.map((r) => r.v);
}
