import type { GeoJSONSource, Map as MapLibreMap } from "maplibre-gl";
import type { Language } from "../../i18n/i18n.js";
import { LAYER_GROUPS, type LayerGroup, SOURCE } from "../../layers/ids.js";
import { languageDependentLayout, overlayLayers } from "../../layers/overlay.js";
import type { TiledSources } from "../../layers/source-ref.js";
import { type DistrictData, districtSources } from "../../sources/district-sources.js";
import { geojsonDistrict, type LoadedDistrict, tiledKinds } from "../../sources/load-district.js";
import { BASE_CELLS_SOURCE } from "../../style/base-style.js";
import { rebasedCellLayer } from "../../style/overlay-style.js";

/**
 * The offline base style draws district land and street boundaries from its own cells source.
 * Pointing those layers at the overlay's cells source (GeoJSON or tiles) keeps one copy of the
 * cells in MapLibre's worker instead of two. A configured base map has no such layers: no-op.
 */
function rebaseCellLayers(map: MapLibreMap, tiled: TiledSources): void {
  const order = map.getStyle().layers;
  order.forEach((layer, index) => {
    const rebased = rebasedCellLayer(layer, tiled);
    if (rebased === layer) return;
    map.removeLayer(layer.id);
    map.addLayer(rebased, order[index + 1]?.id);
  });
  if (map.getSource(BASE_CELLS_SOURCE)) map.removeSource(BASE_CELLS_SOURCE);
}

/**
 * Puts the district's static layers on the map. The first call adds sources and layers
 * (vector-tile sources for the layers loaded as tiles); a later call (a retry) replaces GeoJSON
 * data in place, and leaves tiled sources be, as they fetch their own data.
 */
export function showStaticLayers(map: MapLibreMap, district: LoadedDistrict, language: Language): void {
  const sources = districtSources(district);
  if (map.getSource(SOURCE.cells)) {
    for (const [id, spec] of Object.entries(sources)) {
      if (spec.type === "geojson" && id !== SOURCE.cameraCones)
        void map.getSource<GeoJSONSource>(id)?.setData(spec.data);
    }
    return;
  }
  const tiled: TiledSources = tiledKinds(district.layers);
  for (const [id, spec] of Object.entries(sources)) map.addSource(id, spec);
  rebaseCellLayers(map, tiled);
  for (const layer of overlayLayers(language, tiled)) map.addLayer(layer);
}

/** For views that always hold the whole district as GeoJSON (the cells editor). */
export function showDistrict(map: MapLibreMap, data: DistrictData, language: Language): void {
  showStaticLayers(map, geojsonDistrict(data), language);
}

export function setOverlayLanguage(map: MapLibreMap, language: Language): void {
  for (const { layerId, textField } of languageDependentLayout(language)) {
    if (map.getLayer(layerId)) map.setLayoutProperty(layerId, "text-field", textField);
  }
}

export function setGroupVisible(map: MapLibreMap, group: LayerGroup, visible: boolean): void {
  for (const layerId of LAYER_GROUPS[group]) {
    if (map.getLayer(layerId)) map.setLayoutProperty(layerId, "visibility", visible ? "visible" : "none");
  }
}
