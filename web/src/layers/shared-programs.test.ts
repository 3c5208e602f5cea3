import { readFileSync } from "node:fs";
import { createPropertyExpression, latest, validateStyleMin } from "@maplibre/maplibre-gl-style-spec";
import type { LayerSpecification } from "maplibre-gl";
import { describe, expect, it } from "vitest";
import { geojsonDistrict } from "../sources/load-district.js";
import { asStyleDocument, prepareOfflineStyle } from "../style/base-style.js";
import { backgroundToCss, withDistrictOverlay } from "../style/overlay-style.js";
import { incidentLayers } from "../views/command/incident-layers.js";
import { perFeature, perFeatureAndZoom, zoomStopsPerFeature } from "./shared-programs.js";

// The paint properties that pick a layer type's shader program (besides the type itself).
const PROGRAM_PROPERTIES: Record<string, readonly string[]> = {
  fill: ["fill-color", "fill-opacity"],
  line: ["line-color", "line-opacity", "line-width", "line-gap-width", "line-offset", "line-blur"],
  circle: [
    "circle-color",
    "circle-radius",
    "circle-blur",
    "circle-opacity",
    "circle-stroke-color",
    "circle-stroke-width",
    "circle-stroke-opacity",
  ],
  symbol: ["text-color", "text-halo-color", "text-halo-width", "text-halo-blur", "text-opacity"],
};

/** How MapLibre feeds a property to the shader: u (constant or zoom only), a (per feature), z (both). */
function feed(type: string, property: string, value: unknown): string {
  if (value === undefined) return "u";
  const spec = (latest as unknown as Record<string, Record<string, unknown>>)[`paint_${type}`]?.[property];
  const parsed = createPropertyExpression(value, property, spec as never);
  if (parsed.result !== "success") throw new Error(`${property}: ${JSON.stringify(parsed.value)}`);
  return { constant: "u", camera: "u", source: "a", composite: "z" }[parsed.value.kind];
}

/** The program a layer is drawn with, as MapLibre keys it (null: not drawn, or a program of its own kind). */
function programOf(layer: LayerSpecification): string | null {
  const paint = ("paint" in layer ? layer.paint : undefined) as Record<string, unknown> | undefined;
  const layout = ("layout" in layer ? layer.layout : undefined) as Record<string, unknown> | undefined;
  const properties = PROGRAM_PROPERTIES[layer.type];
  if (!properties) return layer.type;
  // A constant zero-opacity fill is never drawn; dashed lines use their own shader.
  if (layer.type === "fill" && paint?.["fill-opacity"] === 0) return null;
  if (layer.type === "line" && paint?.["line-dasharray"] !== undefined) return "lineSDF";
  if (layer.type === "symbol" && layout?.["text-field"] === undefined) return "symbolIcon";
  const feeds = properties.map((p) => `${feed(layer.type, p, paint?.[p])}_${p}`).join("/");
  const outline = layer.type === "fill" && paint?.["fill-antialias"] !== false ? "+fillOutline" : "";
  return `${layer.type}/${feeds}${outline}`;
}

const offline = asStyleDocument(
  JSON.parse(readFileSync(new URL("../../../gis-data/style/offline-style.json", import.meta.url), "utf8")),
);
const district = geojsonDistrict({
  cells: { type: "FeatureCollection", features: [] },
  checkpoints: { type: "FeatureCollection", features: [] },
  cameras: { type: "FeatureCollection", features: [] },
});

describe("shared shader programs", () => {
  it("keeps values: the wrappers are valid expressions that evaluate to what they wrap", () => {
    const color = createPropertyExpression(
      perFeature("#ffffff"),
      "circle-color",
      latest.paint_circle["circle-color"] as never,
    );
    expect(color.result).toBe("success");
    expect(zoomStopsPerFeature(["interpolate", ["linear"], ["zoom"], 10, 2.5, 17, 7])).toEqual([
      "interpolate",
      ["linear"],
      ["zoom"],
      10,
      perFeature(2.5),
      17,
      perFeature(7),
    ]);
    expect(zoomStopsPerFeature(["get", "width"])).toBeNull();
    expect(feed("circle", "circle-radius", perFeatureAndZoom(4))).toBe("z");
    expect(feed("circle", "circle-color", perFeature("#fff"))).toBe("a");
  });

  it("draws every fill, line, circle and text layer of the command map with one program per type", () => {
    if (!offline) throw new Error("gis-data/style/offline-style.json is not a v8 style");
    // As the command map makes it (command-map-view.ts): the background moves to CSS.
    const { style, color } = backgroundToCss(
      withDistrictOverlay(prepareOfflineStyle(offline, "http://app.test/"), district, "zh-CN"),
    );
    expect(color).toBe("#eceae4");
    const layers = [...style.layers, ...incidentLayers()];
    expect(validateStyleMin({ ...style, layers: style.layers })).toEqual([]);
    const byType = new Map<string, Set<string>>();
    for (const layer of layers) {
      const program = programOf(layer);
      if (program === null) continue;
      const set = byType.get(program.split("/")[0] ?? "") ?? new Set();
      set.add(program);
      byType.set(program.split("/")[0] ?? "", set);
    }
    for (const [type, programs] of byType) expect([...programs], type).toEqual([[...programs][0]]);
    // Fill, line, circle, text: 4 (it was 13). The background is the container's CSS colour,
    // the base map's dashed street lines lie under the overlay's solid outlines and lose their
    // dash, and checkpoints are circles instead of icons (decision 0127).
    expect([...byType.keys()].sort()).toEqual(["circle", "fill", "line", "symbol"]);
  });
});
