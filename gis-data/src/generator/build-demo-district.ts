import type {
  CameraFeature,
  CellFeature,
  CheckpointFeature,
  DemoDistrict,
  RoadFeature,
} from "../demo-district.schemas.js";
import { DEMO_DISTRICT_FILES } from "../demo-district.schemas.js";
import { buildCameras, type CameraDraft } from "./cameras.js";
import { buildCells, type CellDraft } from "./cells.js";
import { buildCheckpoints, type CheckpointDraft } from "./checkpoints.js";
import { createDistrictOutline } from "./district-outline.js";
import { GridLocator } from "./grid-locator.js";
import { DISTRICT } from "./names.js";
import { toMultiPolygonCoordinates, VertexTable } from "./planar-topology.js";
import { createLocalProjection, fixedToPosition } from "./projection.js";
import { createRng } from "./random.js";
import { buildRoads, type RoadDraft } from "./roads.js";

/** The seed of the committed demo district. Changing it changes every file. */
export const DEMO_DISTRICT_SEED = "gridops-demo-district-1";

/** Builds the whole demo district from a seed; the same seed gives the same result. */
export function buildDemoDistrict(seed: string = DEMO_DISTRICT_SEED): DemoDistrict {
  const rng = createRng(seed);
  const projection = createLocalProjection(DISTRICT.originLon, DISTRICT.originLat);
  const table = new VertexTable(projection);
  const outline = createDistrictOutline(rng.fork("outline"));
  const layout = buildCells(outline, projection, table, rng.fork("cells"));
  const districtBoundary = layout.district.shape.rings[0]!;
  const roads = buildRoads(districtBoundary, projection, rng.fork("roads"));
  const locator = new GridLocator(layout.grids);
  const checkpoints = buildCheckpoints(
    roads,
    layout.communities,
    locator,
    projection,
    rng.fork("checkpoints"),
  );
  const cameras = buildCameras(
    checkpoints,
    layout.grids,
    layout.communities,
    locator,
    projection,
    rng.fork("cameras"),
  );
  const allCells = [layout.district, ...layout.streets, ...layout.communities, ...layout.grids].sort(
    (a, b) => (a.code < b.code ? -1 : 1),
  );
  return {
    cells: { type: "FeatureCollection", features: allCells.map((c) => cellFeature(c, table)) },
    roads: { type: "FeatureCollection", features: roads.map(roadFeature) },
    checkpoints: { type: "FeatureCollection", features: checkpoints.map(checkpointFeature) },
    cameras: { type: "FeatureCollection", features: cameras.map(cameraFeature) },
  };
}

function cellFeature(cell: CellDraft, table: VertexTable): CellFeature {
  return {
    type: "Feature",
    id: cell.code,
    geometry: { type: "MultiPolygon", coordinates: toMultiPolygonCoordinates(cell.polygons, table) },
    properties: {
      code: cell.code,
      name: cell.name.zh,
      name_en: cell.name.en,
      level: cell.level,
      parent_code: cell.parentCode,
    },
  };
}

function roadFeature(road: RoadDraft): RoadFeature {
  return {
    type: "Feature",
    geometry: { type: "LineString", coordinates: road.fixed.map(fixedToPosition) },
    properties: { name: road.name.zh, name_en: road.name.en, class: road.roadClass },
  };
}

function checkpointFeature(checkpoint: CheckpointDraft): CheckpointFeature {
  return {
    type: "Feature",
    id: checkpoint.id,
    geometry: { type: "Point", coordinates: fixedToPosition(checkpoint.fixed) },
    properties: {
      id: checkpoint.id,
      name: checkpoint.name.zh,
      name_en: checkpoint.name.en,
      grade: checkpoint.grade,
      road: checkpoint.road.name.zh,
      direction: checkpoint.direction,
      lanes: checkpoint.lanes.map((lane) => ({
        number: lane.number,
        direction: lane.direction,
        camera_id: lane.cameraId,
      })),
      cell_code: checkpoint.grid.code,
    },
  };
}

function cameraFeature(camera: CameraDraft): CameraFeature {
  return {
    type: "Feature",
    id: camera.id,
    geometry: { type: "Point", coordinates: fixedToPosition(camera.fixed) },
    properties: {
      id: camera.id,
      name: camera.name.zh,
      name_en: camera.name.en,
      vendor: camera.vendor,
      model: camera.model,
      bearing: camera.bearing,
      fov_deg: camera.fovDeg,
      range_m: camera.rangeM,
      mounting_height_m: camera.mountingHeightM,
      checkpoint_id: camera.checkpointId,
      lane: camera.lane,
      cell_code: camera.grid.code,
    },
  };
}

/** One feature per line: stable output that diffs well in review. */
export function renderFeatureCollection(collection: { features: readonly unknown[] }): string {
  const lines = collection.features.map((f) => JSON.stringify(f));
  return `{"type":"FeatureCollection","features":[\n${lines.join(",\n")}\n]}\n`;
}

/** File name → file content for every demo district file. */
export function renderDemoDistrictFiles(district: DemoDistrict): Record<string, string> {
  return Object.fromEntries(
    (Object.keys(DEMO_DISTRICT_FILES) as (keyof DemoDistrict)[]).map((key) => [
      DEMO_DISTRICT_FILES[key],
      renderFeatureCollection(district[key]),
    ]),
  );
}
