import { z } from "zod";
import { CRS84, type CrsDef, crsByUri } from "./ogc.crs.js";

export const DEFAULT_LIMIT = 100;
/** Larger limits are clamped to this (OGC API Features 1.0, /per/core/limit-response). */
export const MAX_LIMIT = 10_000;

const crsParam = z.string().transform((raw, ctx) => {
  const crs = crsByUri(raw);
  if (!crs) {
    ctx.addIssue({ code: "custom", message: `CRS ${raw} is not supported; see the collection's "crs" list` });
    return z.NEVER;
  }
  return crs;
});

/** limit=abc or limit=0 is the caller's mistake (400); limit=1000000 is clamped. */
const limitParam = z
  .string()
  .regex(/^\d{1,12}$/, "limit must be a positive whole number")
  .transform(Number)
  .refine((n) => n >= 1, "limit must be at least 1")
  .transform((n) => Math.min(n, MAX_LIMIT));

const offsetParam = z
  .string()
  .regex(/^\d{1,9}$/, "offset must be a whole number ≥ 0")
  .transform(Number);

/** `minx,miny,maxx,maxy` or with heights `minx,miny,minz,maxx,maxy,maxz` (heights ignored). */
const bboxParam = z.string().transform((raw, ctx) => {
  const parts = raw.split(",").map((p) => (p.trim() === "" ? Number.NaN : Number(p)));
  if ((parts.length !== 4 && parts.length !== 6) || parts.some((n) => !Number.isFinite(n))) {
    ctx.addIssue({ code: "custom", message: "bbox must be 4 or 6 comma-separated numbers" });
    return z.NEVER;
  }
  const [a, b, c, d] = parts.length === 4 ? parts : [parts[0], parts[1], parts[3], parts[4]];
  return [a!, b!, c!, d!] as const;
});

export type RawBbox = readonly [number, number, number, number];

/** One or two (across the antimeridian) lon/lat-ordered boxes in `srid`. */
export interface Envelope {
  srid: number;
  boxes: [number, number, number, number][];
}

export class OgcInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "OgcInputError";
  }
}

/** Puts a bbox given in `crs` into x/y order and splits it at the antimeridian (OGC bbox semantics). */
export function envelopeOf(bbox: RawBbox, crs: CrsDef): Envelope {
  const [minX, minY, maxX, maxY] = crs.latFirst ? [bbox[1], bbox[0], bbox[3], bbox[2]] : bbox;
  if (minY > maxY) throw new OgcInputError("bbox", "bbox lower corner must not be above the upper corner");
  if (!crs.geographic) {
    if (minX > maxX) throw new OgcInputError("bbox", "bbox minimum x must not exceed maximum x");
    return { srid: crs.srid, boxes: [[minX, minY, maxX, maxY]] };
  }
  if (minY < -90 || maxY > 90 || minX < -180 || maxX > 180 || minX > 180 || maxX < -180) {
    throw new OgcInputError("bbox", "bbox longitudes must lie within -180..180 and latitudes within -90..90");
  }
  // A box whose west edge is east of its east edge crosses the antimeridian.
  const boxes: [number, number, number, number][] =
    minX <= maxX
      ? [[minX, minY, maxX, maxY]]
      : [
          [minX, minY, 180, maxY],
          [-180, minY, maxX, maxY],
        ];
  return { srid: crs.srid, boxes };
}

export interface TimeFilter {
  start: Date | null;
  end: Date | null;
  /** A date-only end covers the whole day: compare with < next midnight. */
  endExclusive: boolean;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function parseInstant(raw: string): { at: Date; dateOnly: boolean } | null {
  if (DATE.test(raw)) {
    const at = new Date(`${raw}T00:00:00Z`);
    return Number.isNaN(at.getTime()) || at.toISOString().slice(0, 10) !== raw
      ? null
      : { at, dateOnly: true };
  }
  if (!DATE_TIME.test(raw)) return null;
  const at = new Date(raw.toUpperCase());
  // Reject 2024-02-30T… which Date would roll over into March.
  const [y, m, d] = raw.slice(0, 10).split("-").map(Number) as [number, number, number];
  const probe = new Date(Date.UTC(y, m - 1, d));
  if (Number.isNaN(at.getTime()) || probe.getUTCDate() !== d || probe.getUTCMonth() !== m - 1) return null;
  return { at, dateOnly: false };
}

const nextDay = (d: Date) => new Date(d.getTime() + 86_400_000);

/** RFC 3339 instant, or interval `a/b` with `..` (or nothing) for an open end. */
export const datetimeParam = z.string().transform((raw, ctx): TimeFilter => {
  const fail = (message: string) => {
    ctx.addIssue({ code: "custom", message });
    return z.NEVER;
  };
  const parts = raw.split("/");
  if (parts.length === 1) {
    const instant = parseInstant(raw);
    if (!instant) return fail("datetime must be an RFC 3339 date-time or date, or an interval start/end");
    return instant.dateOnly
      ? { start: instant.at, end: nextDay(instant.at), endExclusive: true }
      : { start: instant.at, end: instant.at, endExclusive: false };
  }
  if (parts.length !== 2) return fail("datetime interval must have exactly one '/'");
  const [a, b] = parts as [string, string];
  const open = (s: string) => s === ".." || s === "";
  if (open(a) && open(b)) return { start: null, end: null, endExclusive: false };
  const start = open(a) ? null : parseInstant(a);
  const end = open(b) ? null : parseInstant(b);
  if ((!open(a) && !start) || (!open(b) && !end)) {
    return fail("datetime interval ends must be RFC 3339 date-times or dates, or '..' for open");
  }
  const endAt = end ? (end.dateOnly ? nextDay(end.at) : end.at) : null;
  if (start && endAt && start.at.getTime() > endAt.getTime())
    return fail("datetime interval starts after it ends");
  return { start: start?.at ?? null, end: endAt, endExclusive: end?.dateOnly ?? false };
});

export const formatParam = z.enum(["json", "geojson"], { message: "f must be json (HTML is not served)" });

/** Items query: the fixed parameters; each collection adds its queryables (strict: others are 400). */
export const itemsQueryBase = z.strictObject({
  limit: limitParam.optional(),
  offset: offsetParam.optional(),
  bbox: bboxParam.optional(),
  "bbox-crs": crsParam.optional(),
  datetime: datetimeParam.optional(),
  crs: crsParam.optional(),
  f: formatParam.optional(),
});

export const featureQuery = z.strictObject({ crs: crsParam.optional(), f: formatParam.optional() });
export const metadataQuery = z.strictObject({ f: formatParam.optional() });

/** Text compared in SQL: PostgreSQL text cannot hold NUL, so it is refused here rather than failing there. */
export const sqlText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !s.includes("\u0000"), "must not contain NUL characters");

export const featureIdParams = z.strictObject({ featureId: sqlText(200) });
export const collectionIdParams = z.strictObject({ collectionId: z.string().max(200) });
export const unknownItemParams = collectionIdParams.extend({ featureId: z.string().max(200) });

export type ItemsQuery = z.infer<typeof itemsQueryBase> & Record<string, unknown>;

export { CRS84 };
