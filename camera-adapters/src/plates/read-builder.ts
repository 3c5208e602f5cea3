import { type PlateParseInput, type PlateParseLimits, parseWithSchema } from "./parser-kit.js";
import { PlateParseError } from "./plate-errors.js";
import { analysePlate } from "./plate-grammar.js";
import {
  type ImageRole,
  isWellFormedPlateRead,
  normalisedPlateReadSchema,
  type PlateColour,
  type PlateFormat,
  type PlateImage,
  type PlateRead,
  type PlateReadDetails,
} from "./plate-read.js";
import { type DeviceTime, resolveCapturedAt } from "./plate-time.js";

/** What a vendor parser extracts before normalisation. */
export interface RawPlateRead {
  plateRaw: string;
  deviceColour?: PlateColour;
  confidence: number | null;
  time: DeviceTime | null;
  deviceId: string | null;
  channel?: string | null;
  lane?: number | null;
  direction?: string | null;
  vehicleType?: string | null;
  vehicleColour?: string | null;
  images?: PlateImage[];
  vendorEventId?: string | null;
  details?: Record<string, string | number | boolean | null | undefined>;
}

function compactDetails(details: RawPlateRead["details"]): PlateReadDetails {
  const out: PlateReadDetails = {};
  for (const [key, value] of Object.entries(details ?? {})) {
    if (value === undefined) continue;
    out[key] = typeof value === "string" ? value.slice(0, 512) : value;
  }
  return out;
}

/** Normalises plate text and time and validates the result against the public schema. */
export function buildPlateRead(raw: RawPlateRead, format: PlateFormat, input: PlateParseInput): PlateRead {
  const deviceId = raw.deviceId ?? input.fallbackDeviceId ?? null;
  if (!deviceId) throw new PlateParseError("missing_device_id", format);
  const plate = analysePlate(raw.plateRaw, raw.deviceColour ?? "unknown");
  const time = resolveCapturedAt(raw.time, input);
  const read = {
    plateText: plate.plateText,
    plateRaw: plate.plateRaw.slice(0, 128),
    plateColour: plate.plateColour,
    plateValid: plate.plateValid,
    plateKind: plate.plateKind,
    confidence: raw.confidence,
    capturedAt: time.capturedAt,
    deviceId: deviceId.slice(0, 128),
    channel: raw.channel ?? null,
    lane: raw.lane ?? null,
    direction: raw.direction ?? null,
    vehicleType: raw.vehicleType ?? null,
    vehicleColour: raw.vehicleColour ?? null,
    images: raw.images ?? [],
    vendorEventId: raw.vendorEventId ?? null,
    format,
    details: compactDetails({
      ...raw.details,
      timeSource: time.timeSource,
      colourSource: plate.colourSource,
    }),
  };
  return isWellFormedPlateRead(read) ? read : parseWithSchema(normalisedPlateReadSchema, read);
}

/** Counts pictures across one push so the cap holds however a vendor spreads them. */
export class PictureBudget {
  private count = 0;
  constructor(private readonly limits: PlateParseLimits) {}

  take(size: number, name: string): void {
    this.count += 1;
    if (this.count > this.limits.maxPictures) {
      throw new PlateParseError("too_many_pictures", `> ${this.limits.maxPictures}`);
    }
    if (size > this.limits.maxPictureBytes) {
      throw new PlateParseError(
        "picture_too_large",
        `${name}: ${size} > ${this.limits.maxPictureBytes} bytes`,
      );
    }
  }

  /** Decodes a base64 picture (data: URLs too), checking size before allocating it. */
  base64(value: string, role: ImageRole, name: string, mime = "image/jpeg"): PlateImage | null {
    const dataUrl = /^data:([^;,]+);base64,/i.exec(value);
    const payload = (dataUrl ? value.slice(dataUrl[0].length) : value).replace(/\s+/g, "");
    if (payload === "") return null;
    this.take(Math.floor((payload.length * 3) / 4), name);
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(payload)) throw new PlateParseError("invalid_picture", name);
    const data = Buffer.from(payload, "base64");
    if (data.length === 0) throw new PlateParseError("invalid_picture", name);
    return { role, mime: dataUrl?.[1]?.toLowerCase() ?? sniffImageMime(data) ?? mime, data };
  }
}

export function sniffImageMime(data: Buffer): string | null {
  if (data[0] === 0xff && data[1] === 0xd8) return "image/jpeg";
  if (data.subarray(0, 4).toString("latin1") === "\x89PNG") return "image/png";
  if (data.subarray(0, 3).toString("latin1") === "GIF") return "image/gif";
  if (data.subarray(0, 2).toString("latin1") === "BM") return "image/bmp";
  return null;
}

/**
 * Builds every read of a multi-read push. An item whose plate says "no plate" is skipped
 * so its neighbours survive; only when every item was such does the push fail with
 * `plate_empty`, so the server dead-letters it.
 */
export function collectReads<T>(
  items: readonly T[],
  build: (item: T, index: number) => PlateRead,
): PlateRead[] {
  const reads: PlateRead[] = [];
  let firstEmpty: PlateParseError | null = null;
  items.forEach((item, index) => {
    try {
      reads.push(build(item, index));
    } catch (error) {
      if (error instanceof PlateParseError && error.code === "plate_empty") firstEmpty ??= error;
      else throw error;
    }
  });
  if (reads.length === 0 && firstEmpty) throw firstEmpty;
  return reads;
}
