import type { LayerSpecification, StyleSpecification } from "maplibre-gl";
import type { Language } from "../i18n/i18n.js";
import { SOURCE } from "../layers/ids.js";
import { overlayLayers } from "../layers/overlay.js";
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
  return { ...rest, ...sourceRef(SOURCE.cells, tiled) } as LayerSpecification;
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
      ...base.layers.map((layer) => rebasedCellLayer(layer, tiled)),
      ...overlayLayers(language, tiled),
    ],
  };
}
