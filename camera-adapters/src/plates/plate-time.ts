import { PlateParseError } from "./plate-errors.js";

/**
 * Capture times as devices send them, and their conversion to one UTC instant.
 * Cameras in the field disagree on almost everything here: see docs/decisions/0022.
 */
export type DeviceTime =
  /** ISO-8601; with an offset it is absolute, without one it is the device's wall clock. */
  | { kind: "iso"; value: string }
  /** Wall-clock text in the device's zone: "2024-01-30 14:34:55[.123]" or "20240507174803847". */
  | { kind: "local"; value: string }
  /** Unix epoch; seconds, milliseconds or microseconds, told apart by magnitude. */
  | { kind: "epoch"; value: number }
  /** `struct timeval` as many Chinese cameras send it (UTC seconds + microseconds). */
  | { kind: "sec_usec"; sec: number; usec: number }
  /** Epoch seconds computed from the device's wall clock as if it were UTC (Dahua "UTC"). */
  | { kind: "local_epoch"; value: number };

export interface TimeContext {
  receivedAt: Date;
  /** IANA zone ("Asia/Shanghai") or fixed offset ("+08:00"); used for wall-clock times. */
  deviceTimeZone?: string | undefined;
  /** How far the device clock is ahead of true time, in ms (negative when behind). */
  deviceClockOffsetMs?: number | undefined;
}

export const DEFAULT_DEVICE_TIME_ZONE = "Asia/Shanghai";
export const MAX_FUTURE_MS = 24 * 3600 * 1000;
export const MAX_PAST_MS = 7 * 24 * 3600 * 1000;

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const COMPACT_PATTERN = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})?$/;

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat("en-US", {
        timeZone: zone,
        hourCycle: "h23",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
      });
    } catch (cause) {
      throw new PlateParseError("invalid_device_time_zone", zone, { cause, field: "deviceTimeZone" });
    }
    formatters.set(zone, f);
  }
  return f;
}

function fixedOffsetMs(zone: string): number | null {
  const m = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(zone.trim());
  if (!m) return /^(UTC|GMT|Z)$/i.test(zone.trim()) ? 0 : null;
  const sign = m[1] === "-" ? -1 : 1;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? "0");
  if (hours > 14 || minutes > 59) throw new PlateParseError("invalid_device_time_zone", zone);
  return sign * (hours * 60 + minutes) * 60_000;
}

const QUARTER_HOUR = 15 * 60_000;
const MAX_REMEMBERED_OFFSETS = 4096;
/** zone|quarter-hour → offset, for quarter hours with no offset change inside. */
const rememberedOffsets = new Map<string, number>();

/**
 * Offset of `zone` from UTC at instant `t`, in ms. Asking Intl costs microseconds and every
 * read asks, so the offset of a quarter hour (UTC) is remembered when it is the same at both
 * ends of it (offset changes happen on quarter hours, but a quarter hour with one inside is
 * simply not remembered).
 */
export function zoneOffsetMs(zone: string, t: number): number {
  const bucket = Math.floor(t / QUARTER_HOUR);
  const key = `${zone}|${bucket}`;
  const known = rememberedOffsets.get(key);
  if (known !== undefined) return known;
  const offset = computeZoneOffsetMs(zone, t);
  const start = bucket * QUARTER_HOUR;
  if (
    computeZoneOffsetMs(zone, start) === offset &&
    computeZoneOffsetMs(zone, start + QUARTER_HOUR - 1) === offset
  ) {
    if (rememberedOffsets.size >= MAX_REMEMBERED_OFFSETS) rememberedOffsets.clear();
    rememberedOffsets.set(key, offset);
  }
  return offset;
}

function computeZoneOffsetMs(zone: string, t: number): number {
  const fixed = fixedOffsetMs(zone);
  if (fixed !== null) return fixed;
  const parts: Record<string, number> = {};
  for (const p of zoneFormatter(zone).formatToParts(new Date(t))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return asUtc - (t - (((t % 1000) + 1000) % 1000));
}

function wallClockAsUtc(w: WallClock): number {
  const t = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.ms);
  const d = new Date(t);
  const roundTrips =
    d.getUTCFullYear() === w.year &&
    d.getUTCMonth() === w.month - 1 &&
    d.getUTCDate() === w.day &&
    d.getUTCHours() === w.hour &&
    d.getUTCMinutes() === w.minute &&
    d.getUTCSeconds() === w.second;
  if (!roundTrips) throw new PlateParseError("invalid_timestamp", "no such calendar time");
  return t;
}

/** Converts a wall-clock time in `zone` to a UTC instant, DST-safe. */
export function wallClockToUtc(w: WallClock, zone: string): number {
  const guess = wallClockAsUtc(w);
  const first = zoneOffsetMs(zone, guess);
  const second = zoneOffsetMs(zone, guess - first);
  return guess - second;
}

function fractionToMs(fraction: string | undefined): number {
  if (!fraction) return 0;
  return Math.floor(Number(`0.${fraction}`) * 1000);
}

function parseOffset(text: string): number {
  if (text.toUpperCase() === "Z") return 0;
  const sign = text.startsWith("-") ? -1 : 1;
  const digits = text.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4) || "0");
  if (hours > 14 || minutes > 59) throw new PlateParseError("invalid_timestamp", `bad offset ${text}`);
  return sign * (hours * 60 + minutes) * 60_000;
}

function parseIso(value: string, zone: string): number {
  const m = ISO_PATTERN.exec(value.trim());
  if (!m) return parseCompact(value, zone);
  const wall: WallClock = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: Number(m[6] ?? "0"),
    ms: fractionToMs(m[7]),
  };
  const offset = m[8];
  if (offset === undefined) return wallClockToUtc(wall, zone);
  return wallClockAsUtc(wall) - parseOffset(offset);
}

function parseCompact(value: string, zone: string): number {
  const m = COMPACT_PATTERN.exec(value.trim());
  if (!m) throw new PlateParseError("invalid_timestamp", JSON.stringify(value.slice(0, 40)));
  return wallClockToUtc(
    {
      year: Number(m[1]),
      month: Number(m[2]),
      day: Number(m[3]),
      hour: Number(m[4]),
      minute: Number(m[5]),
      second: Number(m[6]),
      ms: Number(m[7] ?? "0"),
    },
    zone,
  );
}

/** Seconds, milliseconds or microseconds since 1970, told apart by size (valid 1973–5138). */
export function epochToMs(value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new PlateParseError("invalid_timestamp", String(value));
  if (value < 1e11) return value * 1000;
  if (value < 1e14) return value;
  return value / 1000;
}

function deviceTimeToMs(time: DeviceTime, zone: string): number {
  switch (time.kind) {
    case "iso":
    case "local":
      return parseIso(time.value, zone);
    case "epoch":
      return epochToMs(time.value);
    case "sec_usec":
      if (!Number.isFinite(time.sec) || time.sec <= 0 || !Number.isFinite(time.usec)) {
        throw new PlateParseError("invalid_timestamp", `sec=${time.sec} usec=${time.usec}`);
      }
      return time.sec * 1000 + Math.floor(time.usec / 1000);
    case "local_epoch": {
      const asIfUtc = epochToMs(time.value);
      const d = new Date(asIfUtc);
      return wallClockToUtc(
        {
          year: d.getUTCFullYear(),
          month: d.getUTCMonth() + 1,
          day: d.getUTCDate(),
          hour: d.getUTCHours(),
          minute: d.getUTCMinutes(),
          second: d.getUTCSeconds(),
          ms: d.getUTCMilliseconds(),
        },
        zone,
      );
    }
  }
}

export interface ResolvedTime {
  capturedAt: Date;
  /** "device" when the payload had a time, "received" when the receive time stood in. */
  timeSource: "device" | "received";
}

/**
 * The UTC capture instant: device time read in the device's zone, corrected by the known
 * clock offset, and refused when it is implausibly far from the receive time.
 */
export function resolveCapturedAt(time: DeviceTime | null, ctx: TimeContext): ResolvedTime {
  const zone = ctx.deviceTimeZone ?? DEFAULT_DEVICE_TIME_ZONE;
  if (ctx.deviceTimeZone !== undefined) zoneOffsetMs(zone, ctx.receivedAt.getTime());
  if (time === null) return { capturedAt: new Date(ctx.receivedAt.getTime()), timeSource: "received" };
  const deviceMs = deviceTimeToMs(time, zone);
  const corrected = deviceMs - (ctx.deviceClockOffsetMs ?? 0);
  const delta = corrected - ctx.receivedAt.getTime();
  if (!Number.isFinite(corrected) || delta > MAX_FUTURE_MS || -delta > MAX_PAST_MS) {
    const iso = Number.isFinite(corrected) ? new Date(corrected).toISOString() : String(corrected);
    throw new PlateParseError("timestamp_out_of_range", `${iso} vs received ${ctx.receivedAt.toISOString()}`);
  }
  return { capturedAt: new Date(corrected), timeSource: "device" };
}
