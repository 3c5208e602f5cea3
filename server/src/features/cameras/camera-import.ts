import { parse as parseCsv } from "csv-parse/sync";
import { z } from "zod";
import type { AppDeps } from "../../app-deps.js";
import { badRequest } from "../../http/errors.js";
import { recordAudit } from "../audit/audit.service.js";
import type { AuthContext } from "../auth/auth-context.js";
import { initialCameraHealth } from "../health/health.service.js";
import { type CreateCameraInput, importRowSchema } from "./cameras.schemas.js";
import { mapConstraintError, resolveCells, sealCredentials, toRecord } from "./cameras.service.js";
import * as sql from "./cameras.sql.js";

export const MAX_IMPORT_ROWS = 20_000;

export interface ImportProblem {
  /** 1-based: the CSV data row (header excluded) or the GeoJSON feature number. */
  row: number;
  code: string;
  field: string | null;
  message: string;
  existing_camera?: { id: string; name: string };
}

export interface ImportReport {
  dry_run: boolean;
  format: "csv" | "geojson";
  rows: number;
  valid: number;
  problems: ImportProblem[];
  /** Ids that were (or, on a dry run, would be) created; empty when any row has a problem. */
  created: string[];
  applied: boolean;
}

const numberColumns = new Set(["lon", "lat", "mounting_height_m", "bearing", "fov_deg", "range_m", "lane"]);

/** A CSV row's flat columns → the shape of a create body (credentials and main RTSP profile from flat columns). */
function csvRowToInput(row: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(row)) {
    const value = raw.trim();
    if (value === "") continue;
    if (["lon", "lat", "username", "password", "rtsp_url"].includes(key)) continue;
    out[key] = numberColumns.has(key) && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  const num = (v: string | undefined) =>
    v === undefined || v.trim() === "" ? undefined : /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v;
  out.location = { lon: num(row.lon), lat: num(row.lat) };
  if (row.username?.trim()) out.credentials = { username: row.username.trim(), password: row.password ?? "" };
  if (row.rtsp_url?.trim()) out.rtsp_profiles = [{ token: "main", name: "main", url: row.rtsp_url.trim() }];
  return out;
}

const featureCollection = z.object({
  type: z.literal("FeatureCollection"),
  features: z.array(
    z.object({
      type: z.literal("Feature"),
      id: z.union([z.string(), z.number()]).optional(),
      geometry: z.object({
        type: z.literal("Point"),
        coordinates: z.tuple([z.number(), z.number()]).rest(z.number()),
      }),
      properties: z.record(z.string(), z.unknown()).nullable(),
    }),
  ),
});

/** Parses the file into rows of unvalidated create bodies; a file that cannot be read at all is a 400. */
export function readImportFile(format: "csv" | "geojson", body: Buffer): Record<string, unknown>[] {
  const text = body.toString("utf8").replace(/^\uFEFF/, "");
  if (format === "csv") {
    let records: Record<string, string>[];
    try {
      records = parseCsv(text, {
        columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
        skip_empty_lines: true,
        trim: false,
        relax_column_count: false,
      }) as Record<string, string>[];
    } catch (error) {
      throw badRequest("malformed_csv", `The CSV file cannot be read: ${(error as Error).message}`);
    }
    return records.map(csvRowToInput);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw badRequest("malformed_json", "The GeoJSON file is not valid JSON.");
  }
  const parsed = featureCollection.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badRequest(
      "invalid_geojson",
      `Expected a FeatureCollection of Point features: ${issue?.path.join(".")}: ${issue?.message}`,
    );
  }
  return parsed.data.features.map((f) => ({
    ...(f.id !== undefined ? { id: String(f.id) } : {}),
    ...(f.properties ?? {}),
    location: { lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1] },
  }));
}

/**
 * Validates every row (schema, cell, scope, duplicates against the inventory and within the
 * file) and reports all problems; applies only when there are none, in one transaction.
 */
export async function importCameras(
  deps: AppDeps,
  auth: AuthContext,
  audit: { requestId: string; ip: string | null },
  format: "csv" | "geojson",
  body: Buffer,
  dryRun: boolean,
): Promise<ImportReport> {
  const raw = readImportFile(format, body);
  if (raw.length > MAX_IMPORT_ROWS)
    throw badRequest("too_many_rows", `An import holds at most ${MAX_IMPORT_ROWS} cameras; split the file.`);
  const problems: ImportProblem[] = [];
  const inputs: { row: number; input: CreateCameraInput }[] = [];
  raw.forEach((candidate, i) => {
    const parsed = importRowSchema.safeParse(candidate);
    if (parsed.success) inputs.push({ row: i + 1, input: parsed.data });
    else
      for (const issue of parsed.error.issues) {
        problems.push({
          row: i + 1,
          code: "invalid_field",
          field: issue.path.join(".") || null,
          message:
            issue.code === "unrecognized_keys"
              ? `unknown column(s): ${issue.keys.join(", ")}`
              : issue.message,
        });
      }
  });
  problems.push(...duplicatesWithinFile(inputs));
  return deps.withTransaction(async (db) => {
    const records = inputs.map((i) => toRecord(i.input));
    const { problems: cellProblems } = await resolveCells(db, records, auth.cellCodes);
    for (const p of cellProblems)
      problems.push({ row: inputs[p.index]!.row, code: p.code, field: p.field, message: p.message });
    const dups = await sql.selectDuplicates(
      db,
      records.map((r, index) => ({ index, ...r })),
      { checkId: true },
    );
    for (const d of dups) {
      problems.push({
        row: inputs[d.index]!.row,
        code: "duplicate_camera",
        field: d.field,
        message: `Camera ${d.existing_id} (${d.existing_name}) already has this ${d.field}: ${d.value}.`,
        existing_camera: { id: d.existing_id, name: d.existing_name },
      });
    }
    problems.sort((a, b) => a.row - b.row);
    const report: ImportReport = {
      dry_run: dryRun,
      format,
      rows: raw.length,
      valid: raw.length - new Set(problems.map((p) => p.row)).size,
      problems,
      created: [],
      applied: false,
    };
    if (problems.length > 0) return report;
    report.created = records.map((r) => r.id);
    if (dryRun) return report;
    const sealed = inputs.map(({ input }, i) => ({
      ...records[i]!,
      credentials_enc: input.credentials ? sealCredentials(deps.keyring, input.credentials) : null,
    }));
    await sql.insertCameras(db, sealed, initialCameraHealth(new Date())).catch(mapConstraintError);
    await recordAudit(db, {
      actorUserId: auth.userId,
      actor: auth.actor,
      requestId: audit.requestId,
      ip: audit.ip,
      action: "camera.import",
      targetType: "camera",
      details: { format, count: records.length, ids: records.map((r) => r.id).slice(0, 100) },
    });
    report.applied = true;
    return report;
  });
}

function duplicatesWithinFile(inputs: { row: number; input: CreateCameraInput }[]): ImportProblem[] {
  const problems: ImportProblem[] = [];
  const seen = new Map<string, number>();
  for (const { row, input } of inputs) {
    const keys: [string, string | null | undefined][] = [
      ["id", input.id],
      ["serial_number", input.serial_number?.toLowerCase()],
      ["mac_address", input.mac_address],
      ["onvif_address", input.onvif_address?.toLowerCase()],
    ];
    for (const [field, value] of keys) {
      if (!value) continue;
      const first = seen.get(`${field}:${value}`);
      if (first !== undefined)
        problems.push({
          row,
          code: "duplicate_in_file",
          field,
          message: `Row ${first} of this file has the same ${field}.`,
        });
      else seen.set(`${field}:${value}`, row);
    }
  }
  return problems;
}
