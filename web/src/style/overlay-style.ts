import type { LayerSpecification, StyleSpecification } from "maplibre-gl";
import type { Language } from "../i18n/i18n.js";
import { SOURCE } from "../layers/ids.js";
import { overlayLayers } from "../layers/overlay.js";
import { perFeature, perFeatureAndZoom, zoomStopsPerFeature } from "../layers/shared-programs.js";
import { sourceRef, type TiledSources } from "../layers/source-ref.js";
import { districtSources } from "../sources/district-sources.js";
import { type LoadedDistrict, tiledKinds } from "../sources/load-district.js";
import { BASE_CELLS_SOURCE } from "./base-style.js";

/**
 * A base style layer that read the offline style's own cells source, reading the overlay's cells
 * source (GeoJSON or tiles) instead, so the worker holds one copy of the cells, not two.
 */
export function rebasedCellLayer(layer: LayerSpecification, tiled: TiledSources): LayerSpecification {
  if (!("source" in layer) || layer.source !== BASE_CELLS_SOURCE) return layer;
  const { source: _base, "source-layer": _layer, ...rest } = layer;
  const rebased = { ...rest, ...sourceRef(SOURCE.cells, tiled) } as LayerSpecification;
  if (rebased.type !== "line" || rebased.paint?.["line-dasharray"] === undefined) return rebased;
  // The overlay outlines every cell level solid on top of it: a dash nobody sees would still be
  // a shader program of its own (~60 ms of the first frame without a GPU, decision 0127).
  const { "line-dasharray": _dash, ...paint } = rebased.paint;
  return { ...rebased, paint };
}

/**
 * The style without its bottom background layer, and that layer's colour for the map's container
 * (CSS) to show through the transparent canvas instead: the same picture, one shader program and
 * one full-screen pass fewer per frame, which without a GPU are ~60 ms of the first frame and a
 * part of every frame (decision 0127). Only a plain opaque colour moves; anything else stays.
 */
export function backgroundToCss(style: StyleSpecification): {
  style: StyleSpecification;
  color: string | null;
} {
  const [first, ...rest] = style.layers;
  if (first?.type !== "background") return { style, color: null };
  const paint = first.paint ?? {};
  const color = paint["background-color"] ?? "#000000";
  const plain =
    typeof color === "string" &&
    paint["background-pattern"] === undefined &&
    (paint["background-opacity"] ?? 1) === 1 &&
    first.layout?.visibility !== "none" &&
    first.minzoom === undefined &&
    first.maxzoom === undefined;
  return plain ? { style: { ...style, layers: rest }, color } : { style, color: null };
}

const isPlain = (value: unknown) => typeof value === "number" || typeof value === "string";

/**
 * A base map fill or line layer fed like the overlay's fills and lines (colours and opacity per
 * feature, line widths per zoom and feature), so they share the overlay's shaders: without a GPU
 * each distinct shader costs 40–80 ms of the first painted frame (shared-programs.ts). Only plain
 * constants and zoom-stop widths are rewritten, to the same values; dashed or patterned lines and
 * anything else are left as they are. A fill drawn from the cells also loses its antialiased edge
 * (a second pass and shader): the boundary lines are drawn over that edge.
 */
export function sharingOverlayPrograms(layer: LayerSpecification): LayerSpecification {
  if (layer.type === "fill") {
    const paint = { ...layer.paint };
    if (paint["fill-pattern"] !== undefined || !isPlain(paint["fill-color"] ?? "#000000")) return layer;
    if (!isPlain(paint["fill-opacity"] ?? 1)) return layer;
    paint["fill-color"] = perFeature((paint["fill-color"] as string | undefined) ?? "#000000");
    paint["fill-opacity"] = perFeature((paint["fill-opacity"] as number | undefined) ?? 1);
    if (layer.source === SOURCE.cells) paint["fill-antialias"] = false;
    return { ...layer, paint };
  }
  if (layer.type === "line") {
    const paint = { ...layer.paint };
    if (paint["line-dasharray"] !== undefined || paint["line-pattern"] !== undefined) return layer;
    const color = paint["line-color"] ?? "#000000";
    const width = paint["line-width"] ?? 1;
    const zoomWidth = isPlain(width) ? perFeatureAndZoom(width as number) : zoomStopsPerFeature(width);
    if (!isPlain(color) || !zoomWidth) return layer;
    paint["line-color"] = perFeature(color as string);
    paint["line-width"] = zoomWidth;
    return { ...layer, paint };
  }
  return layer;
}

/**
 * The command map's whole style in one document: the base map (its cell layers re-pointed at the
 * overlay's cells), the district's sources with their data or tile URLs, and the overlay layers.
 * Handing MapLibre everything at once means one style load and all sources indexed together,
 * instead of a base map drawn and redrawn while the overlay is added piece by piece.
 */
export function withDistrictOverlay(
  base: StyleSpecification,
  district: LoadedDistrict,
  language: Language,
): StyleSpecification {
  const tiled = tiledKinds(district.layers);
  const { [BASE_CELLS_SOURCE]: _baseCells, ...baseSources } = base.sources;
  return {
    ...base,
    sources: { ...baseSources, ...districtSources(district) },
    layers: [
      ...base.layers.map((layer) => sharingOverlayPrograms(rebasedCellLayer(layer, tiled))),
      ...overlayLayers(language, tiled),
    ],
  };
}
