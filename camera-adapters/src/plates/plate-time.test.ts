import { describe, expect, it } from "vitest";
import { epochToMs, resolveCapturedAt, wallClockToUtc, zoneOffsetMs } from "./plate-time.js";

const receivedAt = new Date("2024-01-30T06:35:00Z");
const iso = (d: Date) => d.toISOString();

describe("resolveCapturedAt", () => {
  it("reads ISO times with an offset as absolute", () => {
    const r = resolveCapturedAt({ kind: "iso", value: "2024-01-30T14:34:55+08:00" }, { receivedAt });
    expect(iso(r.capturedAt)).toBe("2024-01-30T06:34:55.000Z");
    expect(r.timeSource).toBe("device");
  });

  it("reads ISO without offset in the device zone (default Asia/Shanghai)", () => {
    const r = resolveCapturedAt({ kind: "iso", value: "2024-01-30T14:34:55" }, { receivedAt });
    expect(iso(r.capturedAt)).toBe("2024-01-30T06:34:55.000Z");
    const bangkok = resolveCapturedAt(
      { kind: "local", value: "2024-01-30 13:34:55.250" },
      { receivedAt, deviceTimeZone: "Asia/Bangkok" },
    );
    expect(iso(bangkok.capturedAt)).toBe("2024-01-30T06:34:55.250Z");
    const fixed = resolveCapturedAt(
      { kind: "local", value: "2024-01-30 09:34:55" },
      { receivedAt, deviceTimeZone: "+03:00" },
    );
    expect(iso(fixed.capturedAt)).toBe("2024-01-30T06:34:55.000Z");
  });

  it("reads Hikvision compact absTime as wall clock", () => {
    const r = resolveCapturedAt({ kind: "local", value: "20240130143455925" }, { receivedAt });
    expect(iso(r.capturedAt)).toBe("2024-01-30T06:34:55.925Z");
  });

  it("tells epoch seconds, milliseconds and microseconds apart", () => {
    expect(epochToMs(1706596495)).toBe(1706596495000);
    expect(epochToMs(1706596495123)).toBe(1706596495123);
    expect(epochToMs(1706596495123456)).toBeCloseTo(1706596495123.456, 3);
    const r = resolveCapturedAt({ kind: "epoch", value: 1706596495.5 }, { receivedAt });
    expect(iso(r.capturedAt)).toBe("2024-01-30T06:34:55.500Z");
  });

  it("reads sec/usec timevals", () => {
    const r = resolveCapturedAt({ kind: "sec_usec", sec: 1706596495, usec: 250_000 }, { receivedAt });
    expect(iso(r.capturedAt)).toBe("2024-01-30T06:34:55.250Z");
  });

  it("undoes Dahua's local-wall-clock-as-UTC epoch using the device zone", () => {
    // 14:34:55 on the device's wall clock, counted as if UTC
    const localEpoch = Date.UTC(2024, 0, 30, 14, 34, 55) / 1000;
    const r = resolveCapturedAt({ kind: "local_epoch", value: localEpoch }, { receivedAt });
    expect(iso(r.capturedAt)).toBe("2024-01-30T06:34:55.000Z");
  });

  it("applies the device clock offset (device ahead is positive)", () => {
    const r = resolveCapturedAt(
      { kind: "iso", value: "2024-01-30T06:36:55Z" },
      { receivedAt, deviceClockOffsetMs: 120_000 },
    );
    expect(iso(r.capturedAt)).toBe("2024-01-30T06:34:55.000Z");
  });

  it("falls back to the receive time when the device gave none", () => {
    const r = resolveCapturedAt(null, { receivedAt });
    expect(r).toEqual({ capturedAt: receivedAt, timeSource: "received" });
  });

  it("refuses times more than 24 h ahead or 7 days behind", () => {
    const ahead = { kind: "iso", value: "2024-01-31T07:36:00Z" } as const;
    const behind = { kind: "iso", value: "2024-01-23T06:34:00Z" } as const;
    expect(() => resolveCapturedAt(ahead, { receivedAt })).toThrowError(
      expect.objectContaining({ code: "timestamp_out_of_range" }),
    );
    expect(() => resolveCapturedAt(behind, { receivedAt })).toThrowError(
      expect.objectContaining({ code: "timestamp_out_of_range" }),
    );
    // just inside both limits
    expect(() =>
      resolveCapturedAt({ kind: "iso", value: "2024-01-31T06:34:00Z" }, { receivedAt }),
    ).not.toThrow();
    expect(() =>
      resolveCapturedAt({ kind: "iso", value: "2024-01-23T06:36:00Z" }, { receivedAt }),
    ).not.toThrow();
  });

  it("rejects unreadable and impossible times and bad zones", () => {
    for (const value of ["yesterday", "2024-02-30 10:00:00", "2024-01-30T25:00:00Z", ""]) {
      expect(() => resolveCapturedAt({ kind: "iso", value }, { receivedAt })).toThrowError(
        expect.objectContaining({ code: "invalid_timestamp" }),
      );
    }
    expect(() => resolveCapturedAt({ kind: "epoch", value: -5 }, { receivedAt })).toThrowError(
      expect.objectContaining({ code: "invalid_timestamp" }),
    );
    expect(() =>
      resolveCapturedAt(
        { kind: "local", value: "2024-01-30 14:34:55" },
        { receivedAt, deviceTimeZone: "Mars/Olympus" },
      ),
    ).toThrowError(expect.objectContaining({ code: "invalid_device_time_zone" }));
  });
});

describe("wallClockToUtc across DST", () => {
  it("uses the offset in force at that wall-clock time", () => {
    const winter = wallClockToUtc(
      { year: 2024, month: 1, day: 15, hour: 12, minute: 0, second: 0, ms: 0 },
      "Europe/Berlin",
    );
    const summer = wallClockToUtc(
      { year: 2024, month: 7, day: 15, hour: 12, minute: 0, second: 0, ms: 0 },
      "Europe/Berlin",
    );
    expect(new Date(winter).toISOString()).toBe("2024-01-15T11:00:00.000Z");
    expect(new Date(summer).toISOString()).toBe("2024-07-15T10:00:00.000Z");
  });
});

describe("zoneOffsetMs (remembered per quarter hour)", () => {
  it("is exact on both sides of a DST change, whichever side is asked first", () => {
    const change = Date.parse("2024-03-10T07:00:00Z"); // New York: 02:00 EST → 03:00 EDT
    const hour = 3_600_000;
    for (const order of [
      [change - 1, change, change + 1],
      [change + 1, change, change - 1],
    ]) {
      const answers = order.map((t) => [t, zoneOffsetMs("America/New_York", t)]);
      for (const [t, offset] of answers) expect(offset).toBe(t! < change ? -5 * hour : -4 * hour);
    }
    // Lord Howe moves by half an hour.
    const lordHowe = Date.parse("2024-04-06T15:00:00Z");
    expect(zoneOffsetMs("Australia/Lord_Howe", lordHowe - 1)).toBe(11 * hour);
    expect(zoneOffsetMs("Australia/Lord_Howe", lordHowe)).toBe(10.5 * hour);
    expect(zoneOffsetMs("Australia/Lord_Howe", lordHowe - 1)).toBe(11 * hour);
  });
});
