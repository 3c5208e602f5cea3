import { describe, expect, it } from "vitest";
import { ApiError } from "../api/errors.js";
import type { CameraCollection, CellCollection, CheckpointCollection } from "../api/gridops-api.js";
import { loadDistrict } from "./load-district.js";

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

function api(overrides: Partial<Record<"cells" | "checkpoints" | "cameras", () => Promise<never>>> = {}) {
  const calls: string[] = [];
  const record =
    <T>(name: string, value: T) =>
    async () => {
      calls.push(name);
      const override = overrides[name as keyof typeof overrides];
      return override ? override() : value;
    };
  return {
    calls,
    client: {
      cells: record("cells", cells),
      checkpoints: record("checkpoints", checkpoints),
      cameras: record("cameras", cameras),
    },
  };
}

const all = { cells: true, checkpoints: true, cameras: true };

describe("loadDistrict", () => {
  it("loads every allowed kind", async () => {
    const { client } = api();
    const loaded = await loadDistrict(client, all);
    expect(loaded.forbidden).toEqual([]);
    expect(loaded.data.cells).toBe(cells);
    expect(loaded.data.cameras.features).toHaveLength(1);
  });

  it("does not request a kind the user may not read and reports it as forbidden", async () => {
    const { client, calls } = api();
    const loaded = await loadDistrict(client, { ...all, cameras: false });
    expect(calls.sort()).toEqual(["cells", "checkpoints"]);
    expect(loaded.forbidden).toEqual(["cameras"]);
    expect(loaded.data.cameras.features).toEqual([]);
  });

  it("turns a 403 for one kind into a hidden layer instead of a failed map", async () => {
    const { client } = api({
      checkpoints: async () => {
        throw new ApiError("forbidden", "no", 403);
      },
    });
    const loaded = await loadDistrict(client, all);
    expect(loaded.forbidden).toEqual(["checkpoints"]);
    expect(loaded.data.cells).toBe(cells);
  });

  it("fails the whole load on any other error, so the user can retry", async () => {
    const { client } = api({
      cameras: async () => {
        throw new ApiError("network_error", "down", 0);
      },
    });
    await expect(loadDistrict(client, all)).rejects.toMatchObject({ code: "network_error" });
  });
});
