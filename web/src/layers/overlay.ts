import type { LayerSpecification } from "maplibre-gl";
import type { Language } from "../i18n/i18n.js";
import { cameraConeLayers, cameraLayers } from "./camera-layers.js";
import { cellLayers } from "./cell-layers.js";
import { checkpointLayers } from "./checkpoint-layers.js";
import { LAYER } from "./ids.js";

/**
 * All GridOps layers in drawing order: cell areas, view cones, cameras, checkpoints, and the cell
 * names last so no marker hides them.
 */
export function overlayLayers(language: Language): LayerSpecification[] {
  const cells = cellLayers(language);
  const labels = cells.filter((layer) => layer.id === LAYER.cellLabel);
  const areas = cells.filter((layer) => layer.id !== LAYER.cellLabel);
  return [...areas, ...cameraConeLayers(), ...cameraLayers(), ...checkpointLayers(language), ...labels];
}

/** Layout properties that change with the UI language, per layer id. */
export function languageDependentLayout(
  language: Language,
): { layerId: string; property: string; value: unknown }[] {
  return overlayLayers(language)
    .filter((layer) => layer.type === "symbol")
    .map((layer) => ({ layerId: layer.id, property: "text-field", value: layer.layout?.["text-field"] }));
}
