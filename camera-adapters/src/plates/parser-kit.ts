import type { z } from "zod";
import { PlateParseError } from "./plate-errors.js";
import type { PlateFormat, PlateRead } from "./plate-read.js";

/** Caps on what one push may carry; each breach has its own error code. */
export interface PlateParseLimits {
  /** Whole body, bytes (`body_too_large`). */
  maxBodyBytes: number;
  /** One picture after decoding, bytes (`picture_too_large`). */
  maxPictureBytes: number;
  /** Pictures per push (`too_many_pictures`). */
  maxPictures: number;
  /** Plate reads per push (`too_many_reads`). */
  maxReads: number;
}

export const defaultPlateParseLimits: Readonly<PlateParseLimits> = Object.freeze({
  maxBodyBytes: 16 * 1024 * 1024,
  maxPictureBytes: 5 * 1024 * 1024,
  maxPictures: 8,
  maxReads: 200,
});

export interface PlateParseInput {
  body: Buffer;
  /** The Content-Type header as received, parameters included. */
  contentType: string;
  headers?: Record<string, string | undefined>;
  /** IANA zone or "+08:00"; wall-clock device times are read in it (default Asia/Shanghai). */
  deviceTimeZone?: string;
  /** Known device clock error: device clock minus true time, ms. */
  deviceClockOffsetMs?: number;
  receivedAt: Date;
  limits?: Partial<PlateParseLimits>;
  /** Device identity the server already knows (from the endpoint or token), used when the payload has none. */
  fallbackDeviceId?: string;
}

/** One wire format. Implementations are small objects; see parsers/. */
export interface PlateParser {
  format: PlateFormat;
  /** Media types (lower case, no parameters) this format arrives with. */
  contentTypes: readonly string[];
  /**
   * Reads every plate read in one push. Resolves to [] for well-formed messages that carry
   * no plate read (heartbeats, non-vehicle events); rejects with PlateParseError otherwise.
   */
  parse(input: PlateParseInput): Promise<PlateRead[]>;
}

export const JSON_CONTENT_TYPES = ["application/json", "text/json", "text/plain"] as const;

export function resolveLimits(input: PlateParseInput): Readonly<PlateParseLimits> {
  return input.limits ? { ...defaultPlateParseLimits, ...input.limits } : defaultPlateParseLimits;
}

export interface ContentType {
  mediaType: string;
  params: Record<string, string>;
}

export function parseContentType(header: string): ContentType {
  const [type = "", ...rest] = header.split(";");
  const params: Record<string, string> = {};
  for (const part of rest) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    const value = part
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, "$1");
    if (key) params[key] = value;
  }
  return { mediaType: type.trim().toLowerCase(), params };
}

/** Size and content-type checks every parser does before looking inside. */
export function checkEnvelope(input: PlateParseInput, accepted: readonly string[]): ContentType {
  const limits = resolveLimits(input);
  if (input.body.length === 0) throw new PlateParseError("empty_body");
  if (input.body.length > limits.maxBodyBytes) {
    throw new PlateParseError("body_too_large", `${input.body.length} > ${limits.maxBodyBytes} bytes`);
  }
  const ct = parseContentType(input.contentType ?? "");
  if (!accepted.includes(ct.mediaType)) {
    throw new PlateParseError("unsupported_content_type", ct.mediaType || "(none)", { field: "contentType" });
  }
  return ct;
}

export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new PlateParseError("malformed_json", cause instanceof Error ? cause.message : undefined, {
      cause,
    });
  }
}

/** Validates with zod; the first issue becomes the error's field and detail. */
export function parseWithSchema<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join(".");
  throw new PlateParseError("invalid_payload", issue ? `${field || "(root)"}: ${issue.message}` : undefined, {
    field: field || undefined,
    cause: result.error,
  });
}

export function ensureReadCount(count: number, limits: PlateParseLimits): void {
  if (count > limits.maxReads) throw new PlateParseError("too_many_reads", `${count} > ${limits.maxReads}`);
}

/** Trimmed non-empty string, or null. Numbers become their decimal text. */
export function textOrNull(value: unknown, maxLength = 64): string | null {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value !== "string") return null;
  const t = value.trim();
  return t === "" ? null : t.slice(0, maxLength);
}

export function numberOrNull(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value.trim());
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

export function intOrNull(value: unknown): number | null {
  const n = numberOrNull(value);
  return n !== null && Number.isInteger(n) ? n : null;
}

/** Vendors say 92, 92.07 or 0.92; all become 0.92. Negative or absurd values become null. */
export function confidenceOrNull(value: unknown): number | null {
  const n = numberOrNull(value);
  if (n === null || n < 0) return null;
  if (n <= 1) return n;
  if (n <= 100) return Math.round(n * 100) / 10_000;
  return null;
}
