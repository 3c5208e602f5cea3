import { readFileSync } from "node:fs";
import { Color, createPropertyExpression, latest, validateStyleMin } from "@maplibre/maplibre-gl-style-spec";
import type { StyleSpecification } from "maplibre-gl";
import { describe, expect, it } from "vitest";
import type { DistrictData } from "../sources/district-sources.js";
import { districtSources } from "../sources/district-sources.js";
import { geojsonDistrict, type LoadedDistrict, tiledKinds } from "../sources/load-district.js";
import {
  asStyleDocument,
  backgroundOnlyStyle,
  prepareOfflineStyle,
  withFontFaces,
} from "../style/base-style.js";
import { LABEL_FONT } from "../style/font-faces.js";
import { CLICKABLE_LAYERS, LAYER, LAYER_GROUPS, SOURCE_LAYER } from "./ids.js";
import { languageDependentLayout, overlayLayers } from "./overlay.js";
import { CHECKPOINT_GRADES, type CheckpointGrade, checkpointGradeStyle, matchExpression } from "./palette.js";

const parseColor = (css: string) => Color.parse(css);

const district: DistrictData = {
  cells: {
    type: "FeatureCollection",
    features: [
      {
        type: "Feature",
        id: "310101",
        geometry: {
          type: "Polygon",
          coordinates: [
            [
              [121, 31],
              [121.1, 31],
              [121.1, 31.1],
              [121, 31.1],
              [121, 31],
            ],
          ],
        },
        properties: {
          code: "310101",
          name: "示范区",
          name_en: "Demo District",
          level: "district",
          parent_code: null,
        },
      },
    ],
  },
  checkpoints: {
    type: "FeatureCollection",
    features: [
      {
        type: "Feature",
        geometry: { type: "Point", coordinates: [121.05, 31.05] },
        properties: {
          id: "cp-1",
          name: "东门卡口",
          name_en: null,
          grade: "A",
          road: "人民路",
          direction: "东向西",
          cell_code: "310101",
        },
      },
    ],
  },
  cameras: {
    type: "FeatureCollection",
    features: [
      {
        type: "Feature",
        geometry: { type: "Point", coordinates: [121.05, 31.05] },
        properties: {
          id: "cam-1",
          name: "东门1号",
          vendor: "hikvision",
          model: "DS-2CD",
          bearing: 90,
          fov_deg: 60,
          range_m: 80,
          checkpoint_id: "cp-1",
          lane: 1,
          cell_code: "310101",
          status: "online",
        },
      },
    ],
  },
};

const loaded = geojsonDistrict(district);

// The same district with cells and cameras as vector tiles (what a large district loads).
const tiledDistrict: LoadedDistrict = {
  ...loaded,
  layers: {
    ...loaded.layers,
    cells: {
      mode: "tiles",
      tiles: "http://app.test/tiles/cells/{z}/{x}/{y}.mvt",
      bounds: [121, 31, 121.1, 31.1],
      count: 1,
    },
    cameras: {
      mode: "tiles",
      tiles: "http://app.test/tiles/cameras/{z}/{x}/{y}.mvt",
      bounds: null,
      count: 1,
    },
  },
};
const tiled = tiledKinds(tiledDistrict.layers);

// The offline base map another workspace ships; the app bundles it (web/build/offline-style.ts).
const gisDataStyle = asStyleDocument(
  JSON.parse(readFileSync(new URL("../../../gis-data/style/offline-style.json", import.meta.url), "utf8")),
);

function fullStyle(
  language: "zh-CN" | "en",
  baseStyle = backgroundOnlyStyle(),
  data: LoadedDistrict = loaded,
): StyleSpecification {
  const base = withFontFaces(baseStyle, { [LABEL_FONT]: "http://app.test/fonts/noto.woff2" });
  return {
    ...base,
    sources: { ...base.sources, ...districtSources(data) },
    layers: [...base.layers, ...overlayLayers(language, tiledKinds(data.layers))],
  };
}

describe("overlay style", () => {
  it.each(["zh-CN", "en"] as const)("is a valid MapLibre style in %s", (language) => {
    expect(validateStyleMin(fullStyle(language))).toEqual([]);
  });

  it("is valid on top of gis-data's offline base map, with no overlapping ids", () => {
    if (!gisDataStyle) throw new Error("gis-data/style/offline-style.json is not a v8 style");
    const style = fullStyle("zh-CN", prepareOfflineStyle(gisDataStyle, "http://app.test/"));
    expect(validateStyleMin(style)).toEqual([]);
    const ids = style.layers.map((layer) => layer.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("only reads sources the district provides", () => {
    const sources = Object.keys(districtSources(loaded));
    for (const layer of overlayLayers("zh-CN")) {
      if ("source" in layer) expect(sources).toContain(layer.source);
    }
  });

  it("names only existing layers in the toggle groups and click targets (all of them with tiles)", () => {
    const ids = overlayLayers("en", tiled).map((layer) => layer.id);
    for (const group of Object.values(LAYER_GROUPS)) for (const id of group) expect(ids).toContain(id);
    for (const id of CLICKABLE_LAYERS) expect(ids).toContain(id);
    const geojsonIds = overlayLayers("en").map((layer) => layer.id);
    expect(geojsonIds).not.toContain(LAYER.cameraCluster);
    expect(geojsonIds.every((id) => ids.includes(id))).toBe(true);
  });

  it("is a valid style with cells and cameras as vector tiles, each tile layer read by its name", () => {
    const style = fullStyle("zh-CN", backgroundOnlyStyle(), tiledDistrict);
    expect(validateStyleMin(style)).toEqual([]);
    expect(style.sources.cells).toMatchObject({ type: "vector", promoteId: "code" });
    expect(style.sources.cameras).toMatchObject({ type: "vector", promoteId: "id" });
    expect(style.sources.checkpoints).toMatchObject({ type: "geojson" });
    for (const layer of style.layers) {
      if (!("source" in layer)) continue;
      const vector = style.sources[layer.source]?.type === "vector";
      expect(layer["source-layer"], layer.id).toBe(vector ? SOURCE_LAYER[layer.source] : undefined);
    }
  });

  it("leaves out tile cluster layers and reads cameras unfiltered when cameras are GeoJSON", () => {
    const camera = overlayLayers("zh-CN").find((layer) => layer.id === LAYER.cameraCircle);
    expect(camera && "filter" in camera ? camera.filter : undefined).toBeUndefined();
    const tiledCamera = overlayLayers("zh-CN", tiled).find((layer) => layer.id === LAYER.cameraCircle);
    expect(JSON.stringify(tiledCamera && "filter" in tiledCamera ? tiledCamera.filter : null)).toContain(
      "cluster",
    );
  });

  it("asks every text layer for the bundled font, so no glyph server is needed", () => {
    for (const layer of overlayLayers("zh-CN")) {
      if (layer.type === "symbol" && layer.layout?.["text-field"]) {
        expect(layer.layout["text-font"]).toEqual([LABEL_FONT]);
      }
    }
  });

  it("switches label text to English names with a Chinese fallback", () => {
    const zh = JSON.stringify(languageDependentLayout("zh-CN"));
    const en = JSON.stringify(languageDependentLayout("en"));
    expect(zh).not.toContain("name_en");
    expect(en).toContain('["coalesce",["get","name_en"],["get","name"]]');
  });
});

describe("matchExpression", () => {
  it("builds match pairs with a fallback", () => {
    expect(matchExpression("level", { a: 1, b: 2 }, 0)).toEqual([
      "match",
      ["get", "level"],
      "a",
      1,
      "b",
      2,
      0,
    ]);
  });
  it("refuses an empty table, which MapLibre would reject at runtime", () => {
    expect(() => matchExpression("level", {}, 0)).toThrow(/at least one case/);
  });
});

describe("checkpoint markers", () => {
  const marker = overlayLayers("zh-CN").find((layer) => layer.id === LAYER.checkpointSymbol);
  /** A paint value of the marker layer for one checkpoint of `grade` (zoom 14). */
  const paintFor = (property: string, grade: string) => {
    const paint = (marker && "paint" in marker ? marker.paint : {}) as Record<string, unknown>;
    const spec = (latest as unknown as Record<string, Record<string, unknown>>).paint_circle?.[property];
    const parsed = createPropertyExpression(paint[property], property, spec as never);
    if (parsed.result !== "success") throw new Error(JSON.stringify(parsed.value));
    return parsed.value.evaluate({ zoom: 14 }, { type: "Point", properties: { grade } } as never);
  };

  it("draws each grade as a disc in its colour with a white ring, A larger than B larger than C", () => {
    expect(marker?.type).toBe("circle");
    const outer = (grade: CheckpointGrade) =>
      Number(paintFor("circle-radius", grade)) + Number(paintFor("circle-stroke-width", grade));
    for (const grade of CHECKPOINT_GRADES) {
      expect(outer(grade)).toBe(checkpointGradeStyle[grade].radiusPx);
      expect(String(paintFor("circle-color", grade))).toBe(
        String(parseColor(checkpointGradeStyle[grade].color)),
      );
      expect(String(paintFor("circle-stroke-color", grade))).toBe(String(parseColor("#ffffff")));
    }
    expect(outer("A")).toBeGreaterThan(outer("B"));
    expect(outer("B")).toBeGreaterThan(outer("C"));
  });

  it("writes the grade letter on the disc", () => {
    const letter = overlayLayers("zh-CN").find((layer) => layer.id === LAYER.checkpointGrade);
    expect(letter).toMatchObject({
      type: "symbol",
      source: "checkpoints",
      layout: { "text-field": ["get", "grade"] },
    });
  });
});
