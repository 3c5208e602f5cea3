import { describe, expect, it } from "vitest";
import { bucketSeries, sparklinePoints } from "./sparkline.js";

describe("sparklinePoints", () => {
  it("puts the largest value at the top and zero at the bottom, evenly spaced", () => {
    expect(sparklinePoints([0, 10, 5], 102, 12)).toBe("1.0,11.0 51.0,1.0 101.0,6.0");
  });
  it("draws nothing for no values and a flat line at the bottom for all zeros", () => {
    expect(sparklinePoints([], 100, 10)).toBe("");
    expect(sparklinePoints([0, 0], 12, 10)).toBe("1.0,9.0 11.0,9.0");
  });
});

describe("bucketSeries", () => {
  it("places buckets by start time and fills missing ones with zero", () => {
    const from = new Date("2026-03-01T08:00:00Z");
    const series = bucketSeries(
      [
        { start: "2026-03-01T08:00:00Z", vehicles: 4 },
        { start: "2026-03-01T08:10:00Z", vehicles: 7 },
        { start: "2026-03-01T09:00:00Z", vehicles: 99 },
      ],
      from,
      5,
      4,
    );
    expect(series).toEqual([4, 0, 7, 0]);
  });
});
