import { describe, expect, it } from "vitest";
import { ApiError } from "../api/errors.js";
import type { CameraCollection, CellCollection, CheckpointCollection } from "../api/gridops-api.js";
import { districtBounds, loadDistrict, tiledKinds } from "./load-district.js";
import { staticModeFor, staticModeOverride, TILE_THRESHOLD } from "./static-mode.js";

const cells: CellCollection = {
  type: "FeatureCollection",
  features: [
    {
      type: "Feature",
      geometry: {
        type: "Polygon",
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      },
      properties: { code: "1", name: "区", level: "district" },
    },
  ],
};
const checkpoints: CheckpointCollection = { type: "FeatureCollection", features: [] };
const cameras: CameraCollection = {
  type: "FeatureCollection",
  features: [
    {
      type: "Feature",
      geometry: { type: "Point", coordinates: [0.5, 0.5] },
      properties: { id: "C1", name: "c", status: "online" },
    },
  ],
};

type Kind = "cells" | "checkpoints" | "cameras";

function api(
  overrides: Partial<Record<Kind, () => Promise<never>>> = {},
  counts: Partial<Record<Kind, number>> = {},
) {
  const calls: string[] = [];
  const record =
    <T>(name: Kind, value: T) =>
    async () => {
      calls.push(name);
      const override = overrides[name];
      return override ? override() : value;
    };
  return {
    calls,
    client: {
      cells: record("cells", cells),
      checkpoints: record("checkpoints", checkpoints),
      cameras: record("cameras", cameras),
      featureCount: async (kind: Kind) => {
        calls.push(`count:${kind}`);
        const override = overrides[kind];
        if (override) return override();
        return counts[kind] ?? { cells, checkpoints, cameras }[kind].features.length;
      },
      tileJson: async (kind: Kind) => {
        calls.push(`tilejson:${kind}`);
        return {
          tiles: [`http://other.test/tiles/${kind}/{z}/{x}/{y}.mvt`],
          bounds: [1, 2, 3, 4] as [number, number, number, number],
        };
      },
    },
  };
}

const all = { cells: true, checkpoints: true, cameras: true };
const options = { origin: "http://app.test" };

describe("loadDistrict", () => {
  it("loads every allowed kind as GeoJSON while the counts are small", async () => {
    const { client, calls } = api();
    const loaded = await loadDistrict(client, all, options);
    expect(loaded.forbidden).toEqual([]);
    expect(loaded.layers.cells).toEqual({ mode: "geojson", data: cells, count: 1 });
    expect(loaded.layers.cameras.mode).toBe("geojson");
    expect(calls.filter((c) => c.startsWith("tilejson"))).toEqual([]);
  });

  it("switches a layer to vector tiles from its threshold, with same-origin tile URLs and the TileJSON bounds", async () => {
    const { client, calls } = api({}, { cameras: TILE_THRESHOLD.cameras, cells: TILE_THRESHOLD.cells - 1 });
    const loaded = await loadDistrict(client, all, options);
    expect(loaded.layers.cameras).toEqual({
      mode: "tiles",
      tiles: "http://app.test/tiles/cameras/{z}/{x}/{y}.mvt",
      bounds: [1, 2, 3, 4],
      count: TILE_THRESHOLD.cameras,
    });
    expect(loaded.layers.cells.mode).toBe("geojson");
    // The large layer's GeoJSON is never downloaded.
    expect(calls).not.toContain("cameras");
    expect(tiledKinds(loaded.layers)).toEqual(new Set(["cameras"]));
    expect(districtBounds(loaded.layers)).toEqual([0, 0, 3, 4]);
  });

  it("follows an override either way, whatever the counts", async () => {
    const tiles = await loadDistrict(api().client, all, { ...options, override: "tiles" });
    expect(tiledKinds(tiles.layers)).toEqual(new Set(["cells", "checkpoints", "cameras"]));
    const big = api({}, { cells: 1_000_000 });
    const geojson = await loadDistrict(big.client, all, { ...options, override: "geojson" });
    expect(tiledKinds(geojson.layers)).toEqual(new Set());
    expect(big.calls).toContain("cells");
  });

  it("does not request a kind the user may not read and reports it as forbidden", async () => {
    const { client, calls } = api();
    const loaded = await loadDistrict(client, { ...all, cameras: false }, options);
    expect(calls.filter((c) => c.includes("cameras"))).toEqual([]);
    expect(loaded.forbidden).toEqual(["cameras"]);
    expect(loaded.layers.cameras).toMatchObject({ mode: "geojson", count: 0 });
  });

  it("turns a 403 for one kind into a hidden layer instead of a failed map", async () => {
    const { client } = api({
      checkpoints: async () => {
        throw new ApiError("forbidden", "no", 403);
      },
    });
    const loaded = await loadDistrict(client, all, options);
    expect(loaded.forbidden).toEqual(["checkpoints"]);
    expect(loaded.layers.cells).toMatchObject({ mode: "geojson", data: cells });
  });

  it("fails the whole load on any other error, so the user can retry", async () => {
    const { client } = api({
      cameras: async () => {
        throw new ApiError("network_error", "down", 0);
      },
    });
    await expect(loadDistrict(client, all, options)).rejects.toMatchObject({ code: "network_error" });
  });
});

describe("staticModeFor / staticModeOverride", () => {
  it("tiles from the threshold up, per layer", () => {
    expect(staticModeFor("cells", TILE_THRESHOLD.cells - 1, null)).toBe("geojson");
    expect(staticModeFor("cells", TILE_THRESHOLD.cells, null)).toBe("tiles");
    expect(staticModeFor("cameras", 0, "tiles")).toBe("tiles");
  });
  it("reads only the two known values from the route", () => {
    expect(staticModeOverride(new URLSearchParams("static=tiles"))).toBe("tiles");
    expect(staticModeOverride(new URLSearchParams("static=geojson"))).toBe("geojson");
    expect(staticModeOverride(new URLSearchParams("static=vector"))).toBeNull();
    expect(staticModeOverride(new URLSearchParams(""))).toBeNull();
  });
});
