/** Source ids, shared by the layers, the loaders and the browser tests. */
export const SOURCE = {
  cells: "cells",
  cellLabels: "cell-labels",
  checkpoints: "checkpoints",
  cameras: "cameras",
  cameraCones: "camera-cones",
} as const;

export const LAYER = {
  cellFill: "cells-fill",
  cellOutline: "cells-outline",
  cellLabel: "cells-label",
  coneFill: "camera-cones-fill",
  coneOutline: "camera-cones-outline",
  checkpointSymbol: "checkpoints-symbol",
  checkpointLabel: "checkpoints-label",
  cameraCircle: "cameras-circle",
} as const;

export type LayerGroup = "cells" | "checkpoints" | "cameras" | "viewCones";

/** Which style layers a layer-panel toggle switches together. */
export const LAYER_GROUPS: Record<LayerGroup, readonly string[]> = {
  cells: [LAYER.cellFill, LAYER.cellOutline, LAYER.cellLabel],
  checkpoints: [LAYER.checkpointSymbol, LAYER.checkpointLabel],
  cameras: [LAYER.cameraCircle],
  viewCones: [LAYER.coneFill, LAYER.coneOutline],
};

/** Layers that open a popup on click, topmost first. */
export const CLICKABLE_LAYERS = [LAYER.cameraCircle, LAYER.checkpointSymbol, LAYER.cellFill] as const;
