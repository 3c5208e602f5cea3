import type { Request } from "express";
import type { AppDeps } from "../../app-deps.js";
import type { Queryable } from "../../db/pool.js";
import { AppError, badRequest, conflict, forbidden, notFound } from "../../http/errors.js";
import { auditSource, recordAudit } from "../audit/audit.service.js";
import type { AuthContext } from "../auth/auth-context.js";
import { initialCameraHealth, insertCameraEvents, onCredentialsChanged } from "../health/health.service.js";
import { encryptSecret, type Keyring } from "../secrets/keyring.js";
import type { CameraCredentials, CreateCameraInput, UpdateCameraInput } from "./cameras.schemas.js";
import * as sql from "./cameras.sql.js";

/** Postgres constraint names → the field a client should fix. */
const constraintFields: Record<string, { code: string; field: string; message: string }> = {
  cameras_checkpoint_id_fkey: {
    code: "unknown_checkpoint",
    field: "checkpoint_id",
    message: "There is no checkpoint with this id.",
  },
  cameras_cell_override_fkey: {
    code: "unknown_cell",
    field: "cell_override",
    message: "There is no cell with this code.",
  },
  cameras_check: { code: "lane_without_checkpoint", field: "lane", message: "A lane needs a checkpoint_id." },
  cameras_serial_uq: {
    code: "duplicate_camera",
    field: "serial_number",
    message: "Another camera has this serial number.",
  },
  cameras_mac_uq: {
    code: "duplicate_camera",
    field: "mac_address",
    message: "Another camera has this MAC address.",
  },
  cameras_onvif_uq: {
    code: "duplicate_camera",
    field: "onvif_address",
    message: "Another camera has this ONVIF address.",
  },
  cameras_pkey: { code: "duplicate_camera", field: "id", message: "A camera with this id already exists." },
};

/** Turns constraint violations the service could not foresee (races) into client errors. */
export function mapConstraintError(error: unknown): never {
  const e = error as { code?: string; constraint?: string };
  const known = e.constraint ? constraintFields[e.constraint] : undefined;
  if (known && (e.code === "23503" || e.code === "23505" || e.code === "23514")) {
    const status = known.code === "duplicate_camera" ? 409 : 400;
    throw new AppError(
      status,
      known.code,
      `${known.field}: ${known.message}`,
      { field: known.field },
      { cause: error },
    );
  }
  throw error;
}

export const sealCredentials = (ring: Keyring, c: CameraCredentials) =>
  encryptSecret(ring, JSON.stringify(c));

export function toRecord(input: CreateCameraInput): sql.CameraRecord {
  return {
    id: input.id,
    name: input.name,
    name_en: input.name_en ?? null,
    vendor: input.vendor,
    model: input.model ?? null,
    firmware: input.firmware ?? null,
    serial_number: input.serial_number ?? null,
    mac_address: input.mac_address ?? null,
    onvif_address: input.onvif_address ?? null,
    rtsp_profiles: input.rtsp_profiles,
    lon: input.location.lon,
    lat: input.location.lat,
    mounting_height_m: input.mounting_height_m ?? null,
    bearing: input.bearing ?? null,
    fov_deg: input.fov_deg ?? null,
    range_m: input.range_m ?? null,
    checkpoint_id: input.checkpoint_id ?? null,
    lane: input.lane ?? null,
    cell_override: input.cell_override ?? null,
    install_date: input.install_date ?? null,
    maintainer: input.maintainer ?? null,
  };
}

export function duplicateError(hit: sql.DuplicateHit): AppError {
  const label = {
    id: "id",
    serial_number: "serial number",
    mac_address: "MAC address",
    onvif_address: "ONVIF address",
  }[hit.field];
  return conflict(
    "duplicate_camera",
    `Camera ${hit.existing_id} (${hit.existing_name}) already has this ${label}: ${hit.value}.`,
    { field: hit.field, value: hit.value, existing_camera: { id: hit.existing_id, name: hit.existing_name } },
  );
}

/** Cells of the given records; refuses locations outside every cell and cells outside the caller's scope. */
export async function resolveCells(
  db: Queryable,
  records: readonly sql.CameraRecord[],
  scope: readonly string[],
): Promise<{
  cells: (string | null)[];
  problems: { index: number; code: string; field: string; message: string }[];
}> {
  const cells = await sql.selectDerivedCells(db, records);
  const overrides = records.map((r) => r.cell_override).filter((c): c is string => c !== null);
  const existing = overrides.length ? await sql.selectExistingCells(db, overrides) : new Set<string>();
  const inScope = await sql.selectCellsInScope(
    db,
    cells.filter((c): c is string => c !== null),
    scope,
  );
  const problems: { index: number; code: string; field: string; message: string }[] = [];
  records.forEach((r, index) => {
    const cell = cells[index] ?? null;
    if (r.cell_override !== null && !existing.has(r.cell_override)) {
      problems.push({
        index,
        code: "unknown_cell",
        field: "cell_override",
        message: `There is no current cell ${r.cell_override}.`,
      });
    } else if (cell === null) {
      problems.push({
        index,
        code: "location_outside_district",
        field: "location",
        message: `The location ${r.lon},${r.lat} is outside every grid cell; move it or set cell_override.`,
      });
    } else if (!inScope.has(cell)) {
      problems.push({
        index,
        code: "cell_out_of_scope",
        field: "location",
        message: `The camera would be in cell ${cell}, which is outside the cells assigned to you.`,
      });
    }
  });
  return { cells, problems };
}

function throwFirstProblem(problems: { code: string; field: string; message: string }[]): void {
  const first = problems[0];
  if (!first) return;
  if (first.code === "cell_out_of_scope") throw forbidden(first.message);
  throw badRequest(first.code, `${first.field}: ${first.message}`, { field: first.field });
}

export async function createCamera(
  deps: AppDeps,
  req: Request,
  auth: AuthContext,
  input: CreateCameraInput,
): Promise<sql.CameraView> {
  const record = toRecord(input);
  return deps.withTransaction(async (db) => {
    const { cells, problems } = await resolveCells(db, [record], auth.cellCodes);
    throwFirstProblem(problems);
    const [dup] = await sql.selectDuplicates(db, [{ index: 0, ...record }], { checkId: true });
    if (dup) throw duplicateError(dup);
    const sealed = input.credentials ? sealCredentials(deps.keyring, input.credentials) : null;
    await sql
      .insertCameras(db, [{ ...record, credentials_enc: sealed }], initialCameraHealth(new Date()))
      .catch(mapConstraintError);
    await recordAudit(db, {
      ...auditSource(req, auth),
      action: "camera.create",
      targetType: "camera",
      targetId: record.id,
      cellCode: cells[0] ?? null,
      details: { vendor: record.vendor, credentials: sealed ? "set" : "none" },
    });
    return (await sql.selectCameraView(db, record.id))!;
  });
}

export async function updateCamera(
  deps: AppDeps,
  req: Request,
  auth: AuthContext,
  id: string,
  patch: UpdateCameraInput,
): Promise<sql.CameraView> {
  return deps.withTransaction(async (db) => {
    const current = await sql.selectCameraRecordForUpdate(db, id);
    if (!current) throw notFound("Camera", id);
    if (patch.version !== undefined && patch.version !== current.version) {
      throw conflict(
        "version_conflict",
        `Camera ${id} changed since you read it (now version ${current.version}); reload and retry.`,
      );
    }
    const { version: _v, credentials, location, ...fields } = patch;
    const merged: sql.CameraRecord = {
      ...current,
      ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
      ...(location ? { lon: location.lon, lat: location.lat } : {}),
    };
    const { cells, problems } = await resolveCells(db, [merged], auth.cellCodes);
    throwFirstProblem(problems);
    const [dup] = await sql.selectDuplicates(db, [{ index: 0, ...merged }], { checkId: false });
    if (dup) throw duplicateError(dup);
    const credentialsEnc =
      credentials === undefined
        ? undefined
        : credentials === null
          ? null
          : sealCredentials(deps.keyring, credentials);
    const ok = await sql
      .updateCameraRow(db, { ...merged, credentials_enc: credentialsEnc }, current.version)
      .catch(mapConstraintError);
    if (!ok) throw conflict("version_conflict", `Camera ${id} changed concurrently; reload and retry.`);
    const changed = Object.keys(patch).filter((k) => k !== "version");
    if (credentials !== undefined) await onCredentialsChanged(db, id, auth.actor, new Date());
    await recordAudit(db, {
      ...auditSource(req, auth),
      action: "camera.update",
      targetType: "camera",
      targetId: id,
      cellCode: cells[0] ?? null,
      details: { fields: changed, previousCell: current.cell_code },
    });
    return (await sql.selectCameraView(db, id))!;
  });
}

export async function deleteCamera(
  deps: AppDeps,
  req: Request,
  auth: AuthContext,
  id: string,
): Promise<void> {
  await deps.withTransaction(async (db) => {
    const current = await sql.selectCameraRecordForUpdate(db, id);
    if (!current) throw notFound("Camera", id);
    const refs = await sql.countOpenReferences(db, id);
    if (refs.incidents > 0 || refs.tickets > 0) {
      throw conflict(
        "camera_in_use",
        `Camera ${id} is referenced by ${refs.incidents} incident(s) and ${refs.tickets} repair ticket(s); it cannot be deleted (they keep its history).`,
        refs,
      );
    }
    await sql.deleteCameraRow(db, id);
    await recordAudit(db, {
      ...auditSource(req, auth),
      action: "camera.delete",
      targetType: "camera",
      targetId: id,
      cellCode: current.cell_code,
    });
  });
}

export async function getCamera(db: Queryable, auth: AuthContext, id: string): Promise<sql.CameraView> {
  const view = await sql.selectCameraView(db, id);
  if (!view) throw notFound("Camera", id);
  if (
    view.cell_code === null
      ? !(await isDistrictWide(db, auth))
      : !(await sql.selectCellsInScope(db, [view.cell_code], auth.cellCodes)).has(view.cell_code)
  ) {
    throw notFound("Camera", id);
  }
  return view;
}

async function isDistrictWide(db: Queryable, auth: AuthContext): Promise<boolean> {
  const { rows } = await db.query("SELECT 1 FROM cells WHERE code = ANY($1::text[]) AND level = 'district'", [
    auth.cellCodes,
  ]);
  return rows.length > 0;
}

/** cellOf for routes on one camera: its cell (null when the camera does not exist: the handler answers 404). */
export async function cameraCellOf(db: Queryable, id: string): Promise<string | null> {
  return (await sql.selectCameraCell(db, id))?.cell_code ?? null;
}

export { insertCameraEvents };
