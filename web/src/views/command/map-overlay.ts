import type { GeoJSONSource, Map as MapLibreMap } from "maplibre-gl";
import type { Language } from "../../i18n/i18n.js";
import { checkpointIconName, drawCheckpointIcon } from "../../layers/checkpoint-icons.js";
import { LAYER_GROUPS, type LayerGroup } from "../../layers/ids.js";
import { languageDependentLayout, overlayLayers } from "../../layers/overlay.js";
import { CHECKPOINT_GRADES } from "../../layers/palette.js";
import { type DistrictData, districtSources } from "../../sources/district-sources.js";

function addCheckpointIcons(map: MapLibreMap): void {
  const pixelRatio = Math.max(1, Math.round(window.devicePixelRatio || 1));
  for (const grade of CHECKPOINT_GRADES) {
    const name = checkpointIconName(grade);
    if (map.hasImage(name)) continue;
    const icon = drawCheckpointIcon(grade, pixelRatio);
    map.addImage(name, { width: icon.width, height: icon.height, data: icon.data }, { pixelRatio });
  }
}

/**
 * Puts the district on the map: the first call adds images, sources and layers; later calls (a
 * retry, a reload) replace the sources' data in place.
 */
export function showDistrict(map: MapLibreMap, data: DistrictData, language: Language): void {
  const sources = districtSources(data);
  const isFirst = !map.getSource(Object.keys(sources)[0] ?? "");
  if (!isFirst) {
    for (const [id, spec] of Object.entries(sources)) map.getSource<GeoJSONSource>(id)?.setData(spec.data);
    return;
  }
  addCheckpointIcons(map);
  for (const [id, spec] of Object.entries(sources)) map.addSource(id, spec);
  for (const layer of overlayLayers(language)) map.addLayer(layer);
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
