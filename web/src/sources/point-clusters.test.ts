import { describe, expect, it } from "vitest";
import { abbreviatedCount, clusterPoints } from "./point-clusters.js";

// At zoom 12 one screen pixel (512-pixel tiles) is 360 / (512 · 2^12) degrees of longitude.
const PIXEL_DEG = 360 / (512 * 2 ** 12);
const at = (id: number, px: number, py = 0) => ({
  id,
  lon: 120 + px * PIXEL_DEG,
  lat: 30 + py * PIXEL_DEG * 0.86,
});

describe("clusterPoints", () => {
  it("groups points within the radius, keyed by the smallest member, and leaves far ones alone", () => {
    const { clusters, clusterOf } = clusterPoints([at(7, 0), at(3, 20), at(9, 30), at(5, 300)], 12, 40);
    expect(clusters.map((c) => ({ key: c.key, members: c.members }))).toEqual([
      { key: 3, members: [3, 7, 9] },
    ]);
    expect(clusterOf.get(9)?.key).toBe(3);
    expect(clusterOf.has(5)).toBe(false);
    // The cluster sits at its members' mean position.
    expect(clusters[0]?.lon).toBeCloseTo(120 + (50 / 3) * PIXEL_DEG, 9);
  });

  it("splits at a closer zoom what it groups further out", () => {
    const points = [at(1, 0), at(2, 30)];
    expect(clusterPoints(points, 12, 40).clusters).toHaveLength(1);
    // At zoom 13 the same points are 60 pixels apart.
    expect(clusterPoints(points, 13, 40).clusters).toHaveLength(0);
  });

  it("keeps other clusters' keys and members when a point is added", () => {
    const base = [at(1, 0), at(2, 10), at(3, 500), at(4, 510)];
    const before = clusterPoints(base, 12, 40).clusters;
    const after = clusterPoints([...base, at(10, 505)], 12, 40).clusters;
    expect(after.find((c) => c.key === 1)).toEqual(before.find((c) => c.key === 1));
    expect(after.find((c) => c.key === 3)?.members).toEqual([3, 4, 10]);
  });

  it("abbreviates counts as MapLibre's clustered sources do", () => {
    expect([abbreviatedCount(999), abbreviatedCount(1234), abbreviatedCount(15_400)]).toEqual([
      "999",
      "1.2k",
      "15k",
    ]);
  });
});
