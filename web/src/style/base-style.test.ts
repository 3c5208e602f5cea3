import type { StyleSpecification } from "maplibre-gl";
import { describe, expect, it } from "vitest";
import { asStyleDocument, BASE_CELLS_SOURCE, prepareOfflineStyle } from "./base-style.js";

const offline: StyleSpecification = {
  version: 8,
  sources: {
    [BASE_CELLS_SOURCE]: { type: "geojson", data: "demo-district/cells.geojson", promoteId: "code" },
    "gridops-roads": { type: "geojson", data: "demo-district/roads.geojson" },
    raster: { type: "raster", tiles: ["http://tiles.test/{z}/{x}/{y}.png"] },
  },
  layers: [],
};

describe("prepareOfflineStyle", () => {
  const prepared = prepareOfflineStyle(offline, "http://gridops.test/app/");

  it("resolves placeholder data URLs against the app's base URL", () => {
    expect(prepared.sources["gridops-roads"]).toEqual({
      type: "geojson",
      data: "http://gridops.test/app/demo-district/roads.geojson",
    });
  });

  it("empties the cells source, which the API fills, keeping its promoteId", () => {
    expect(prepared.sources[BASE_CELLS_SOURCE]).toEqual({
      type: "geojson",
      data: { type: "FeatureCollection", features: [] },
      promoteId: "code",
    });
  });

  it("leaves other sources and the input untouched", () => {
    expect(prepared.sources.raster).toBe(offline.sources.raster);
    expect(offline.sources["gridops-roads"]).toMatchObject({ data: "demo-district/roads.geojson" });
  });
});

describe("asStyleDocument", () => {
  it("accepts a v8 document and rejects anything else", () => {
    expect(asStyleDocument({ version: 8, sources: {}, layers: [] })).not.toBeNull();
    expect(asStyleDocument({ version: 8, layers: [] })).toBeNull();
    expect(asStyleDocument("style")).toBeNull();
  });
});
