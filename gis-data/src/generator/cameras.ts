import {
  type CameraKind,
  type CameraVendor,
  GRID_CAMERA_KIND_WEIGHTS,
  KIND_FIGURES,
  modelFor,
  VENDOR_WEIGHTS,
} from "./camera-catalogue.js";
import type { CellDraft } from "./cells.js";
import type { CheckpointDraft } from "./checkpoints.js";
import { roundBearing } from "./checkpoints.js";
import type { GridLocator } from "./grid-locator.js";
import { type BilingualName, CAMERA_SPOTS } from "./names.js";
import { distance, type Fixed, type Local, type LocalProjection } from "./projection.js";
import type { Rng } from "./random.js";

export interface CameraDraft {
  readonly id: string;
  readonly name: BilingualName;
  readonly vendor: CameraVendor;
  readonly model: string;
  readonly bearing: number;
  readonly fovDeg: number;
  readonly rangeM: number;
  readonly mountingHeightM: number;
  readonly checkpointId: string | null;
  readonly lane: number | null;
  readonly fixed: Fixed;
  readonly grid: CellDraft;
}

/** A grid camera keeps this far from its grid's edge, so it is unambiguously inside. */
const GRID_CAMERA_CLEARANCE_M = 4;
const GRID_CAMERA_SPACING_M = 15;
const LANE_CAMERA_CLEARANCE_M = 5;
const PLACEMENT_ATTEMPTS = 500;

export function buildCameras(
  checkpoints: readonly CheckpointDraft[],
  grids: readonly CellDraft[],
  communities: readonly CellDraft[],
  locator: GridLocator,
  projection: LocalProjection,
  rng: Rng,
): CameraDraft[] {
  const laneCameras = buildLaneCameras(checkpoints, locator, projection, rng.fork("lanes"));
  const gridCameras = buildGridCameras(
    grids,
    communities,
    locator,
    projection,
    rng.fork("grids"),
    laneCameras.length,
  );
  return [...laneCameras, ...gridCameras];
}

function buildLaneCameras(
  checkpoints: readonly CheckpointDraft[],
  locator: GridLocator,
  projection: LocalProjection,
  rng: Rng,
): CameraDraft[] {
  return checkpoints.flatMap((checkpoint) => {
    // One checkpoint is one procurement: all its lanes come from the same vendor.
    const vendor = rng.pickWeighted(VENDOR_WEIGHTS);
    const figures = KIND_FIGURES.anpr;
    return checkpoint.lanes.map((lane) => {
      const fixed = projection.toFixed(lane.position);
      const grid = locator.locate(projection.toLocal(fixed), LANE_CAMERA_CLEARANCE_M);
      if (grid !== checkpoint.grid)
        throw new Error(`lane camera ${lane.cameraId} left its checkpoint's grid`);
      return {
        id: lane.cameraId,
        name: {
          zh: `${checkpoint.name.zh}车道${lane.number}`,
          en: `${checkpoint.name.en} lane ${lane.number}`,
        },
        vendor,
        model: modelFor(vendor, "anpr").model,
        bearing: lane.cameraBearing,
        fovDeg: rng.int(figures.fovDeg[0], figures.fovDeg[1]),
        rangeM: rng.int(figures.rangeM[0], figures.rangeM[1]),
        mountingHeightM: roundTo(rng.range(...figures.mountingHeightM), 1),
        checkpointId: checkpoint.id,
        lane: lane.number,
        fixed,
        grid,
      };
    });
  });
}

/** Busy central grids get several cameras, quiet edge grids one or two. */
export function gridCameraCount(centrality: number, jitter: number): number {
  return Math.max(1, Math.round(0.4 + 2.6 * centrality + jitter));
}

function buildGridCameras(
  grids: readonly CellDraft[],
  communities: readonly CellDraft[],
  locator: GridLocator,
  projection: LocalProjection,
  rng: Rng,
  alreadyNumbered: number,
): CameraDraft[] {
  const cameras: CameraDraft[] = [];
  for (const grid of grids) {
    const community = communities.find((c) => c.code === grid.parentCode);
    if (!community) throw new Error(`grid ${grid.code} has no community`);
    const count = gridCameraCount(grid.centrality, rng.range(-0.5, 0.5));
    const placed: Local[] = [];
    for (let k = 0; k < count; k++) {
      const fixed = randomSpotIn(grid, placed, locator, projection, rng);
      const kind: CameraKind = rng.pickWeighted(GRID_CAMERA_KIND_WEIGHTS);
      const vendor = rng.pickWeighted(VENDOR_WEIGHTS);
      const figures = KIND_FIGURES[kind];
      const spot = rng.pick(CAMERA_SPOTS);
      const ordinal = String(k + 1).padStart(2, "0");
      cameras.push({
        id: `CAM-${String(alreadyNumbered + cameras.length + 1).padStart(4, "0")}`,
        name: {
          zh: `${community.name.zh}${grid.name.zh}-${spot.zh}-${ordinal}`,
          en: `${community.name.en} ${grid.name.en} - ${spot.en} - ${ordinal}`,
        },
        vendor,
        model: modelFor(vendor, kind).model,
        bearing: roundBearing(rng.range(0, 360)),
        fovDeg: rng.int(figures.fovDeg[0], figures.fovDeg[1]),
        rangeM: rng.int(figures.rangeM[0], figures.rangeM[1]),
        mountingHeightM: roundTo(rng.range(...figures.mountingHeightM), 1),
        checkpointId: null,
        lane: null,
        fixed,
        grid,
      });
    }
  }
  return cameras;
}

function randomSpotIn(
  grid: CellDraft,
  placed: Local[],
  locator: GridLocator,
  projection: LocalProjection,
  rng: Rng,
): Fixed {
  const { minX, minY, maxX, maxY } = grid.shape;
  for (let attempt = 0; attempt < PLACEMENT_ATTEMPTS; attempt++) {
    const fixed = projection.toFixed({ x: rng.range(minX, maxX), y: rng.range(minY, maxY) });
    const p = projection.toLocal(fixed);
    if (locator.locate(p, GRID_CAMERA_CLEARANCE_M) !== grid) continue;
    if (placed.some((q) => distance(p, q) < GRID_CAMERA_SPACING_M)) continue;
    placed.push(p);
    return fixed;
  }
  throw new Error(`could not place a camera inside grid ${grid.code}`);
}

function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
