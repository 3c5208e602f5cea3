import type { Permission } from "../auth/permissions.js";

export type TileLayerId = "cells" | "checkpoints" | "cameras";

export interface TileLayerDef {
  id: TileLayerId;
  permission: Permission;
  title: { "zh-CN": string; en: string };
  /** TileJSON `vector_layers[].fields`: attribute name → type or description. */
  fields: Record<string, string>;
}

export const MAX_ZOOM = 22;
/** Tile extent in MVT units, and the buffer kept around it so edges render without seams. */
export const EXTENT = 4096;
export const BUFFER = 64;
/** Below this zoom cameras are drawn as clusters (one point per grid square with a count). */
export const CAMERA_CLUSTER_BELOW = 14;
/**
 * Cluster grid square, in tile units (of EXTENT). MapLibre draws a vector tile 512 screen pixels
 * wide, so 512 of 4,096 units is a 64-pixel square on screen (64 units were 8 pixels: hardly
 * any cameras shared a cluster, and a district showed thousands of them; decision 0125).
 */
export const CLUSTER_CELL = 512;

/** Deepest cell level (cell_levels.depth) drawn at a zoom: district far out, grids close in. */
export function maxCellDepth(z: number): number {
  if (z < 10) return 0;
  if (z < 12) return 1;
  if (z < 14) return 2;
  return 3;
}

export const tileLayers: readonly TileLayerDef[] = [
  {
    id: "cells",
    permission: "cells:read",
    title: { "zh-CN": "网格", en: "Grid cells" },
    fields: {
      code: "String: cell code",
      name: "String",
      name_en: "String",
      level: "String: district, street, community or grid (deeper levels appear at higher zooms)",
      parent_code: "String",
    },
  },
  {
    id: "checkpoints",
    permission: "checkpoints:read",
    title: { "zh-CN": "卡口", en: "Checkpoints" },
    fields: {
      id: "String",
      name: "String",
      name_en: "String",
      grade: "String: A, B or C",
      road: "String",
      direction: "String",
      cell_code: "String",
    },
  },
  {
    id: "cameras",
    permission: "cameras:read",
    title: { "zh-CN": "摄像机", en: "Cameras" },
    fields: {
      cluster: `Boolean: true below zoom ${CAMERA_CLUSTER_BELOW}, where each point stands for several cameras`,
      count: "Number: cameras in the cluster (1 for single cameras)",
      faulty: "Number: cameras in the cluster that are offline, auth_failed, no_video or tampered",
      id: "String (single cameras only)",
      name: "String (single cameras only)",
      status: "String: health state (single cameras only)",
      bearing: "Number (single cameras only)",
      fov_deg: "Number (single cameras only)",
      range_m: "Number (single cameras only)",
      cell_code: "String (single cameras only)",
      checkpoint_id: "String (single cameras only)",
    },
  },
];

export const tileLayerById = (id: string) => tileLayers.find((l) => l.id === id);
