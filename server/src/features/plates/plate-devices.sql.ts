import type { Queryable } from "../../db/pool.js";

/** A plate device joined with its camera, checkpoint and cell: everything ingest needs. */
export interface DeviceMappingRow {
  id: number;
  device_key: string;
  channel: string | null;
  camera_id: string;
  lane: number | null;
  time_zone: string;
  clock_offset_ms: number | null;
  credential_id: number | null;
  enabled: boolean;
  checkpoint_id: string | null;
  cell_code: string | null;
  cell_path: string[] | null;
  lon: number;
  lat: number;
  checkpoint_lanes: number[];
}

export async function selectDeviceMappings(db: Queryable): Promise<DeviceMappingRow[]> {
  const { rows } = await db.query<DeviceMappingRow>(
    `SELECT d.id, d.device_key, d.channel, d.camera_id, coalesce(d.lane, c.lane) AS lane, d.time_zone,
            coalesce(d.clock_offset_ms, c.clock_offset_ms) AS clock_offset_ms, d.credential_id,
            d.enabled AND (cr.id IS NULL OR cr.disabled_at IS NULL) AS enabled,
            c.checkpoint_id, coalesce(c.cell_code, k.cell_code) AS cell_code, cl.path AS cell_path,
            ST_X(coalesce(k.geom, c.geom)) AS lon, ST_Y(coalesce(k.geom, c.geom)) AS lat,
            coalesce((SELECT array_agg(l.lane::int ORDER BY l.lane) FROM checkpoint_lanes l WHERE l.checkpoint_id = c.checkpoint_id), '{}') AS checkpoint_lanes
       FROM plate_devices d
       JOIN cameras c ON c.id = d.camera_id
       LEFT JOIN checkpoints k ON k.id = c.checkpoint_id
       LEFT JOIN cells cl ON cl.code = coalesce(c.cell_code, k.cell_code)
       LEFT JOIN plate_device_credentials cr ON cr.id = d.credential_id`,
  );
  return rows;
}

export async function selectConfigVersion(db: Queryable, name: "devices" | "hotlists"): Promise<number> {
  const { rows } = await db.query<{ version: number }>(
    "SELECT version FROM plate_config_versions WHERE name = $1",
    [name],
  );
  return rows[0]?.version ?? 0;
}

export interface CredentialRow {
  id: number;
  username: string;
  password_sealed: string;
}

export async function selectActiveCredential(db: Queryable, username: string): Promise<CredentialRow | null> {
  const { rows } = await db.query<CredentialRow>(
    "SELECT id, username, password_sealed FROM plate_device_credentials WHERE username = $1 AND disabled_at IS NULL",
    [username],
  );
  return rows[0] ?? null;
}

export interface DeviceInput {
  deviceId: string;
  channel: string | null;
  cameraId: string;
  lane: number | null;
  timeZone: string;
  clockOffsetMs: number | null;
  credentialId: number | null;
  enabled: boolean;
  note: string | null;
}

export interface DeviceRow {
  id: number;
  device_key: string;
  channel: string | null;
  camera_id: string;
  lane: number | null;
  time_zone: string;
  clock_offset_ms: number | null;
  credential_id: number | null;
  enabled: boolean;
  note: string | null;
  created_at: Date;
  updated_at: Date;
}

export async function insertDevice(db: Queryable, d: DeviceInput): Promise<DeviceRow> {
  const { rows } = await db.query<DeviceRow>(
    `INSERT INTO plate_devices (device_key, channel, camera_id, lane, time_zone, clock_offset_ms, credential_id, enabled, note)
     VALUES (lower(trim($1)), $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
    [
      d.deviceId,
      d.channel,
      d.cameraId,
      d.lane,
      d.timeZone,
      d.clockOffsetMs,
      d.credentialId,
      d.enabled,
      d.note,
    ],
  );
  return rows[0]!;
}

export async function updateDevice(
  db: Queryable,
  id: number,
  d: Partial<DeviceInput>,
): Promise<DeviceRow | null> {
  const { rows } = await db.query<DeviceRow>(
    `UPDATE plate_devices SET
        channel = CASE WHEN $2::boolean THEN $3 ELSE channel END,
        camera_id = coalesce($4, camera_id),
        lane = CASE WHEN $5::boolean THEN $6::smallint ELSE lane END,
        time_zone = coalesce($7, time_zone),
        clock_offset_ms = CASE WHEN $8::boolean THEN $9::bigint ELSE clock_offset_ms END,
        credential_id = CASE WHEN $10::boolean THEN $11::bigint ELSE credential_id END,
        enabled = coalesce($12, enabled),
        note = CASE WHEN $13::boolean THEN $14 ELSE note END,
        updated_at = now()
      WHERE id = $1 RETURNING *`,
    [
      id,
      d.channel !== undefined,
      d.channel ?? null,
      d.cameraId ?? null,
      d.lane !== undefined,
      d.lane ?? null,
      d.timeZone ?? null,
      d.clockOffsetMs !== undefined,
      d.clockOffsetMs ?? null,
      d.credentialId !== undefined,
      d.credentialId ?? null,
      d.enabled ?? null,
      d.note !== undefined,
      d.note ?? null,
    ],
  );
  return rows[0] ?? null;
}

export async function deleteDevice(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query("DELETE FROM plate_devices WHERE id = $1", [id]);
  return (rowCount ?? 0) > 0;
}

export async function selectDevices(db: Queryable): Promise<DeviceRow[]> {
  const { rows } = await db.query<DeviceRow>("SELECT * FROM plate_devices ORDER BY id");
  return rows;
}

export async function insertCredential(
  db: Queryable,
  c: { username: string; passwordSealed: string; description: string | null; createdBy: number | null },
): Promise<{ id: number; username: string; created_at: Date } | null> {
  const { rows } = await db.query<{ id: number; username: string; created_at: Date }>(
    `INSERT INTO plate_device_credentials (username, password_sealed, description, created_by)
     VALUES ($1, $2, $3, $4) ON CONFLICT (username) DO NOTHING RETURNING id, username, created_at`,
    [c.username, c.passwordSealed, c.description, c.createdBy],
  );
  return rows[0] ?? null;
}

export async function selectCredentials(db: Queryable) {
  const { rows } = await db.query<{
    id: number;
    username: string;
    description: string | null;
    created_at: Date;
    disabled_at: Date | null;
  }>("SELECT id, username, description, created_at, disabled_at FROM plate_device_credentials ORDER BY id");
  return rows;
}

export async function disableCredential(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query(
    "UPDATE plate_device_credentials SET disabled_at = now() WHERE id = $1 AND disabled_at IS NULL",
    [id],
  );
  return (rowCount ?? 0) > 0;
}
