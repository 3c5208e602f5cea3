/** Source ids, shared by the layers, the loaders and the browser tests. */
export const SOURCE = {
  cells: "cells",
  cellLabels: "cell-labels",
  checkpoints: "checkpoints",
  cameras: "cameras",
  cameraCones: "camera-cones",
} as const;

export const LAYER = {
  /** Every cell as an undrawn fill: what clicks and queries on cells use. */
  cellFill: "cells-fill",
  /** The drawn fill: tinted levels (community, grid), coloured by open incidents. */
  cellTint: "cells-tint",
  cellOutline: "cells-outline",
  cellLabel: "cells-label",
  coneFill: "camera-cones-fill",
  coneOutline: "camera-cones-outline",
  /** The grade disc (a circle layer; the id is older than that). */
  checkpointSymbol: "checkpoints-symbol",
  /** The grade letter on the disc. */
  checkpointGrade: "checkpoints-grade",
  checkpointLabel: "checkpoints-label",
  cameraCircle: "cameras-circle",
  /** Vector tiles only: below zoom 14 the server sends cameras as clusters with a count. */
  cameraCluster: "cameras-cluster",
  cameraClusterCount: "cameras-cluster-count",
} as const;

/** Layer names inside the server's vector tiles (/tiles/{layer}/…), by static source. */
export const SOURCE_LAYER: Readonly<Partial<Record<string, string>>> = {
  [SOURCE.cells]: "cells",
  [SOURCE.checkpoints]: "checkpoints",
  [SOURCE.cameras]: "cameras",
};

export type LayerGroup = "cells" | "checkpoints" | "cameras" | "viewCones";

/** Which style layers a layer-panel toggle switches together. */
export const LAYER_GROUPS: Record<LayerGroup, readonly string[]> = {
  cells: [LAYER.cellTint, LAYER.cellFill, LAYER.cellOutline, LAYER.cellLabel],
  checkpoints: [LAYER.checkpointSymbol, LAYER.checkpointGrade, LAYER.checkpointLabel],
  cameras: [LAYER.cameraCircle, LAYER.cameraCluster, LAYER.cameraClusterCount],
  viewCones: [LAYER.coneFill, LAYER.coneOutline],
};

/** Layers that open a popup on click, topmost first. */
export const CLICKABLE_LAYERS = [
  LAYER.cameraCluster,
  LAYER.cameraCircle,
  LAYER.checkpointSymbol,
  LAYER.cellFill,
] as const;
