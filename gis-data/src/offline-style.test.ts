import { readFile } from "node:fs/promises";
import { validateStyleMin } from "@maplibre/maplibre-gl-style-spec";
import { describe, expect, it } from "vitest";
import { offlineStylePath } from "./index.js";

describe("offline base-map style", () => {
  it("is a valid MapLibre style that needs no tile, sprite or glyph server", async () => {
    const style = JSON.parse(await readFile(offlineStylePath, "utf8"));
    expect(validateStyleMin(style)).toEqual([]);
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
    expect(style.layers.some((l: { type: string }) => l.type === "symbol")).toBe(false);
    expect(style.layers[0]).toMatchObject({ id: "background", type: "background" });
  });

  it("reads only the demo district GeoJSON through relative placeholder URLs", async () => {
    const style = JSON.parse(await readFile(offlineStylePath, "utf8"));
    const sources = Object.entries(style.sources) as [string, { type: string; data: string }][];
    expect(sources.map(([, s]) => s.type)).toEqual(["geojson", "geojson"]);
    for (const [id, source] of sources) {
      expect(source.data).toMatch(/^demo-district\/\w+\.geojson$/);
      expect(style.metadata["gridops:data-placeholders"][id]).toBe(source.data);
    }
    expect(JSON.stringify(style)).not.toMatch(/https?:\/\//);
  });
});
