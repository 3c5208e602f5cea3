import type { LayerSpecification, SymbolLayerSpecification } from "maplibre-gl";
import type { Language } from "../i18n/i18n.js";
import { cameraConeLayers, cameraLayers } from "./camera-layers.js";
import { cellLayers } from "./cell-layers.js";
import { checkpointLayers } from "./checkpoint-layers.js";
import { LAYER } from "./ids.js";
import { NO_TILES, type TiledSources } from "./source-ref.js";

/**
 * All GridOps layers in drawing order: cell areas, view cones, cameras, checkpoints, and the cell
 * names last so no marker hides them.
 */
export function overlayLayers(language: Language, tiled: TiledSources = NO_TILES): LayerSpecification[] {
  const cells = cellLayers(language, tiled);
  const labels = cells.filter((layer) => layer.id === LAYER.cellLabel);
  const areas = cells.filter((layer) => layer.id !== LAYER.cellLabel);
  return [
    ...areas,
    ...cameraConeLayers(),
    ...cameraLayers(tiled),
    ...checkpointLayers(language, tiled),
    ...labels,
  ];
}

export type TextField = NonNullable<SymbolLayerSpecification["layout"]>["text-field"];

/** The `text-field` of every symbol layer, which is what changes with the UI language. */
export function languageDependentLayout(language: Language): { layerId: string; textField: TextField }[] {
  return overlayLayers(language)
    .filter((layer): layer is SymbolLayerSpecification => layer.type === "symbol")
    .map((layer) => ({ layerId: layer.id, textField: layer.layout?.["text-field"] }));
}
