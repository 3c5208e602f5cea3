import { canonicalPlateText } from "@gridops/camera-adapters/plates/index";
import type { Request } from "express";
import type { Pool } from "../../db/pool.js";
import { AppError, badRequest } from "../../http/errors.js";
import { auditSource, recordAudit } from "../audit/audit.service.js";
import type { AuthContext } from "../auth/auth-context.js";
import * as sql from "./plate-search.sql.js";

export const MAX_SEARCH_DAYS = 31;
export const MAX_EXPORT_ROWS = 10_000;
export const MIN_PURPOSE_TEXT = 10;

export interface SearchInput {
  plate?: string | undefined;
  match?: "exact" | "partial" | undefined;
  from: Date;
  to: Date;
  checkpointId?: string | undefined;
  cellCode?: string | undefined;
  purposeCode?: string | undefined;
  purposeText?: string | undefined;
  caseReference?: string | undefined;
}

/** What the audit row records about a search: the question, the reason, the case. */
interface Justification {
  purpose: { code: string } | { text: string };
  caseReference: string;
}

/**
 * Refuses a search that does not say why (a listed purpose code, or at least 10 characters
 * of free text) and for which case. Checked before any read is touched.
 */
export async function justificationOf(pool: Pool, input: SearchInput): Promise<Justification> {
  const text = input.purposeText?.trim() ?? "";
  let purpose: Justification["purpose"] | null = null;
  if (input.purposeCode) {
    const listed = await sql.selectSearchPurposes(pool);
    if (!listed.some((p) => p.code === input.purposeCode)) {
      throw badRequest(
        "unknown_purpose",
        `"${input.purposeCode}" is not a listed search purpose; state the purpose in purposeText instead.`,
        {
          purposes: listed.map((p) => p.code),
        },
      );
    }
    purpose = { code: input.purposeCode };
  } else if (text.length >= MIN_PURPOSE_TEXT) {
    purpose = { text };
  }
  if (!purpose) {
    throw badRequest(
      "purpose_required",
      `A plate search needs a purpose: a listed purposeCode, or purposeText of at least ${MIN_PURPOSE_TEXT} characters. / 查询车辆记录须说明查询事由。`,
      { field: "purposeCode" },
    );
  }
  const caseReference = input.caseReference?.trim() ?? "";
  if (!caseReference) {
    throw badRequest(
      "case_reference_required",
      "A plate search needs the case reference it is for. / 查询车辆记录须填写案件编号。",
      { field: "caseReference" },
    );
  }
  return { purpose, caseReference };
}

/** The SQL filter: time window bounded, plate exact / partial / wildcard, never an unbounded dump. */
export function filterOf(auth: AuthContext, input: SearchInput): sql.ReadFilter {
  if (!(input.from < input.to))
    throw badRequest("invalid_time_range", "from must be before to.", { field: "from" });
  if (input.to.getTime() - input.from.getTime() > MAX_SEARCH_DAYS * 86_400_000) {
    throw badRequest("time_range_too_long", `Search at most ${MAX_SEARCH_DAYS} days at a time.`, {
      field: "to",
    });
  }
  if (!input.plate && !input.checkpointId) {
    throw badRequest(
      "plate_or_checkpoint_required",
      "Search by plate, or list one checkpoint's reads; not all reads at once.",
      { field: "plate" },
    );
  }
  const base = {
    scope: auth.cellCodes,
    from: input.from,
    to: input.to,
    checkpointId: input.checkpointId ?? null,
    cellCode: input.cellCode ?? null,
  };
  if (!input.plate) return { ...base, plate: null, pattern: null };
  const wildcard = /[*?]/.test(input.plate);
  const literal = (s: string) => canonicalPlateText(s).replace(/[\\%_]/g, (c) => `\\${c}`);
  if (!wildcard && input.match !== "partial")
    return { ...base, plate: canonicalPlateText(input.plate), pattern: null };
  const pattern = wildcard
    ? input.plate
        .split(/([*?])/)
        .map((part) => (part === "*" ? "%" : part === "?" ? "_" : literal(part)))
        .join("")
    : `%${literal(input.plate)}%`;
  if (pattern.replace(/[%_]/g, "").replace(/\\/g, "").length < 3) {
    throw badRequest("pattern_too_broad", "A partial or wildcard plate needs at least 3 known characters.", {
      field: "plate",
    });
  }
  return { ...base, plate: null, pattern };
}

const auditedQuery = (input: SearchInput) => ({
  plate: input.plate ?? null,
  match: input.plate && /[*?]/.test(input.plate) ? "wildcard" : (input.match ?? "exact"),
  from: input.from.toISOString(),
  to: input.to.toISOString(),
  checkpointId: input.checkpointId ?? null,
  cellCode: input.cellCode ?? null,
});

export interface ReadView {
  id: number;
  capturedAt: string;
  plate: string;
  plateRaw: string;
  plateColour: string;
  plateValid: boolean;
  plateKind: string;
  confidence: number | null;
  format: string;
  cameraId: string;
  checkpointId: string | null;
  lane: number | null;
  direction: string | null;
  vehicleType: string | null;
  vehicleColour: string | null;
  cellCode: string | null;
  flags: string[];
  images: { role: string; url: string; stored: boolean }[];
}

const readView = (r: sql.FoundRead): ReadView => ({
  id: r.id,
  capturedAt: r.captured_at.toISOString(),
  plate: r.plate_text,
  plateRaw: r.plate_raw,
  plateColour: r.plate_colour,
  plateValid: r.plate_valid,
  plateKind: r.plate_kind,
  confidence: r.confidence,
  format: r.format,
  cameraId: r.camera_id,
  checkpointId: r.checkpoint_id,
  lane: r.lane,
  direction: r.direction,
  vehicleType: r.vehicle_type,
  vehicleColour: r.vehicle_colour,
  cellCode: r.cell_code,
  flags: r.flags,
  images: r.images.map((i) =>
    i.sha256
      ? { role: i.role, url: `/api/v1/plates/reads/${r.id}/images/${i.sha256}`, stored: true }
      : { role: i.role, url: i.url ?? "", stored: false },
  ),
});

export const encodeReadCursor = (r: sql.FoundRead) =>
  Buffer.from(`${r.captured_at.toISOString()}|${r.id}`).toString("base64url");

export function decodeReadCursor(cursor: string): { capturedAt: Date; id: number } {
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const capturedAt = new Date(at ?? "");
  if (Number.isNaN(capturedAt.getTime()) || !/^\d{1,18}$/.test(id ?? "")) {
    throw badRequest("invalid_cursor", "cursor is not one this server issued; start again without it.", {
      field: "cursor",
    });
  }
  return { capturedAt, id: Number(id) };
}

/** One page of a justified search; the audit row (query, purpose, case, row count) commits with it. */
export async function searchReads(
  pool: Pool,
  req: Request,
  auth: AuthContext,
  input: SearchInput & { limit: number; cursor?: string | undefined },
) {
  const justification = await justificationOf(pool, input);
  const filter = filterOf(auth, input);
  const rows = await sql.selectReads(pool, filter, {
    after: input.cursor ? decodeReadCursor(input.cursor) : null,
    limit: input.limit + 1,
  });
  const page = rows.slice(0, input.limit);
  const auditId = await recordAudit(pool, {
    ...auditSource(req, auth),
    action: "plates.search",
    targetType: "plate_reads",
    details: {
      query: auditedQuery(input),
      ...justification,
      rowCount: page.length,
      page: input.cursor ? "next" : "first",
    },
  });
  return {
    reads: page.map(readView),
    nextCursor: rows.length > input.limit ? encodeReadCursor(page.at(-1)!) : null,
    auditId,
  };
}

/** CSV of a justified search (at most MAX_EXPORT_ROWS), audited with its row count. */
export async function exportReads(
  pool: Pool,
  req: Request,
  auth: AuthContext,
  input: SearchInput,
): Promise<{ csv: string; rowCount: number }> {
  const justification = await justificationOf(pool, input);
  const filter = filterOf(auth, input);
  const rows = await sql.selectReads(pool, filter, { after: null, limit: MAX_EXPORT_ROWS + 1 });
  if (rows.length > MAX_EXPORT_ROWS) {
    throw new AppError(
      413,
      "export_too_large",
      `More than ${MAX_EXPORT_ROWS} reads match: narrow the time range or the plate.`,
    );
  }
  await recordAudit(pool, {
    ...auditSource(req, auth),
    action: "plates.export",
    targetType: "plate_reads",
    details: { query: auditedQuery(input), ...justification, rowCount: rows.length, format: "csv" },
  });
  return { csv: toCsv(rows.map(readView)), rowCount: rows.length };
}

const CSV_COLUMNS: [keyof ReadView, string][] = [
  ["id", "id"],
  ["capturedAt", "captured_at"],
  ["plate", "plate"],
  ["plateColour", "plate_colour"],
  ["plateValid", "plate_valid"],
  ["confidence", "confidence"],
  ["checkpointId", "checkpoint_id"],
  ["lane", "lane"],
  ["cameraId", "camera_id"],
  ["cellCode", "cell_code"],
  ["direction", "direction"],
  ["vehicleType", "vehicle_type"],
  ["vehicleColour", "vehicle_colour"],
  ["flags", "flags"],
];

/**
 * RFC 4180 CSV with a UTF-8 BOM (Excel opens Chinese text correctly). Any cell a spreadsheet
 * could take for a formula (= + - @ tab CR) is prefixed with a quote: plate text and vendor
 * fields come from devices, i.e. from anyone.
 */
export function toCsv(rows: readonly ReadView[]): string {
  const cell = (value: unknown): string => {
    let text =
      value === null || value === undefined ? "" : Array.isArray(value) ? value.join(";") : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return `"${text.replace(/"/g, '""')}"`;
  };
  const lines = [
    CSV_COLUMNS.map(([, name]) => name).join(","),
    ...rows.map((r) => CSV_COLUMNS.map(([key]) => cell(r[key])).join(",")),
  ];
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}
