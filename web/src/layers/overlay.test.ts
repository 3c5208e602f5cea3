import { readFileSync } from "node:fs";
import { validateStyleMin } from "@maplibre/maplibre-gl-style-spec";
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
import { checkpointIconName, drawCheckpointIcon } from "./checkpoint-icons.js";
import { CLICKABLE_LAYERS, LAYER, LAYER_GROUPS, SOURCE_LAYER } from "./ids.js";
import { languageDependentLayout, overlayLayers } from "./overlay.js";
import { matchExpression } from "./palette.js";

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

describe("drawCheckpointIcon", () => {
  const pixel = (icon: ReturnType<typeof drawCheckpointIcon>, x: number, y: number) =>
    Array.from(icon.data.slice((y * icon.width + x) * 4, (y * icon.width + x) * 4 + 4));

  it("draws a grade-coloured disc with a white ring on a transparent square", () => {
    const icon = drawCheckpointIcon("A", 2);
    expect(icon.data.length).toBe(icon.width * icon.height * 4);
    const mid = Math.floor(icon.width / 2);
    expect(pixel(icon, mid, mid)).toEqual([0x9b, 0x2c, 0x2c, 255]);
    expect(pixel(icon, 0, 0)[3]).toBe(0);
    expect(pixel(icon, mid, 3)).toEqual([255, 255, 255, 255]);
  });

  it("makes grade A larger than B larger than C", () => {
    const [a, b, c] = (["A", "B", "C"] as const).map((grade) => drawCheckpointIcon(grade, 1).width);
    expect(a).toBeGreaterThan(b ?? 0);
    expect(b).toBeGreaterThan(c ?? 0);
  });

  it("names icons to match the layer's icon-image expression", () => {
    expect(checkpointIconName("B")).toBe("checkpoint-B");
  });
});
