import { describe, expect, it } from "vitest";
import { nextCheckDelayMs } from "./check-backoff.js";

const schedule = { intervalMs: 60_000, confirmIntervalMs: 15_000, maxDelayMs: 1_800_000 };

describe("nextCheckDelayMs", () => {
  it("polls settled cameras at the normal interval and confirms pending changes sooner", () => {
    expect(nextCheckDelayMs("online", 0, schedule)).toBe(60_000);
    expect(nextCheckDelayMs("online", 2, schedule)).toBe(15_000);
    expect(nextCheckDelayMs("unknown", 0, schedule)).toBe(15_000);
    expect(nextCheckDelayMs("no_video", 5, schedule)).toBe(60_000);
  });

  it("backs off exponentially for offline cameras up to the ceiling", () => {
    const delays = [3, 4, 5, 6, 7, 8, 20].map((n) => nextCheckDelayMs("offline", n, schedule));
    expect(delays.slice(0, 5)).toEqual([240_000, 480_000, 960_000, 1_800_000, 1_800_000]);
    expect(delays.at(-1)).toBe(1_800_000);
    for (let i = 1; i < delays.length; i += 1) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!);
  });

  it("keeps auth_failed retries rare and bounded", () => {
    const first = nextCheckDelayMs("auth_failed", 1);
    const much = nextCheckDelayMs("auth_failed", 50);
    expect(first).toBe(15 * 60_000);
    expect(much).toBe(6 * 3_600_000);
  });

  it("spreads delays with injected randomness within the jitter ratio", () => {
    const low = nextCheckDelayMs("online", 0, { ...schedule, jitterRatio: 0.2 }, () => 0);
    const high = nextCheckDelayMs("online", 0, { ...schedule, jitterRatio: 0.2 }, () => 0.999_999);
    expect(low).toBe(48_000);
    expect(high).toBeCloseTo(72_000, -1);
  });

  it("refuses a nonsense schedule", () => {
    expect(() => nextCheckDelayMs("online", 0, { intervalMs: -5 })).toThrow();
  });
});
