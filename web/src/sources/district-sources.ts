import type { GeoJSONSourceSpecification } from "maplibre-gl";
import type { CameraCollection, CellCollection, CheckpointCollection } from "../api/gridops-api.js";
import { labelPoints } from "../geo/label-point.js";
import { cameraViewCones } from "../geo/view-cone.js";
import { SOURCE } from "../layers/ids.js";

export interface DistrictData {
  cells: CellCollection;
  checkpoints: CheckpointCollection;
  cameras: CameraCollection;
}

export type SourceId = (typeof SOURCE)[keyof typeof SOURCE];

function geojson(data: GeoJSONSourceSpecification["data"], promoteId: string): GeoJSONSourceSpecification {
  // promoteId keys features by their domain id, so later live updates can be diffs (updateData).
  return { type: "geojson", data, promoteId };
}

/** The GeoJSON sources the overlay layers read, derived from the district's API data. */
export function districtSources(data: DistrictData): Record<SourceId, GeoJSONSourceSpecification> {
  return {
    [SOURCE.cells]: geojson(data.cells, "code"),
    [SOURCE.cellLabels]: geojson(labelPoints(data.cells), "code"),
    [SOURCE.checkpoints]: geojson(data.checkpoints, "id"),
    [SOURCE.cameras]: geojson(data.cameras, "id"),
    [SOURCE.cameraCones]: geojson(cameraViewCones(data.cameras), "camera_id"),
  };
}

export interface DistrictCounts {
  cells: number;
  checkpoints: number;
  cameras: number;
}

export function districtCounts(data: DistrictData): DistrictCounts {
  return {
    cells: data.cells.features.length,
    checkpoints: data.checkpoints.features.length,
    cameras: data.cameras.features.length,
  };
}
