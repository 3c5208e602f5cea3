import { sector } from "@turf/sector";
import type { Feature, FeatureCollection, Point, Polygon, Position } from "geojson";

export interface ViewConeSpec {
  /** Compass bearing the camera looks at: 0 = north, 90 = east. */
  bearingDeg: number;
  /** Horizontal field of view; 360 or more draws the whole circle (dome / PTZ patrol). */
  fovDeg: number;
  rangeM: number;
}

/** Arc vertices per full circle; 32 keeps 5,000 cones light while still looking round at street zoom. */
export const CONE_STEPS = 32;

/**
 * The ground area a camera sees, as a sector polygon with its apex at the camera.
 * Returns null when the camera has no usable geometry for a cone (no range or no field of view).
 */
export function viewConePolygon(apex: Position, spec: ViewConeSpec, steps = CONE_STEPS): Polygon | null {
  const { bearingDeg, fovDeg, rangeM } = spec;
  if (![bearingDeg, fovDeg, rangeM].every(Number.isFinite) || fovDeg <= 0 || rangeM <= 0) return null;
  const [lon, lat] = apex;
  if (lon === undefined || lat === undefined) return null;
  const half = Math.min(fovDeg, 360) / 2;
  // sector() draws a full circle when both bearings coincide modulo 360, which is what a 360° view is.
  const start = fovDeg >= 360 ? bearingDeg : bearingDeg - half;
  const end = fovDeg >= 360 ? bearingDeg : bearingDeg + half;
  return sector([lon, lat], rangeM, start, end, { units: "meters", steps }).geometry;
}

export interface CameraConeInput {
  id?: string | number | undefined;
  bearing?: number | null | undefined;
  fov_deg?: number | null | undefined;
  range_m?: number | null | undefined;
  status: string;
}

export interface ViewConeProperties {
  camera_id: string;
  status: string;
}

/** One cone per camera that has bearing, field of view and range; cameras without them get none. */
export function cameraViewCones<P extends CameraConeInput>(
  cameras: FeatureCollection<Point, P>,
): FeatureCollection<Polygon, ViewConeProperties> {
  const features: Feature<Polygon, ViewConeProperties>[] = [];
  for (const camera of cameras.features) {
    const { bearing, fov_deg, range_m, status } = camera.properties;
    const id = camera.properties.id ?? camera.id;
    if (bearing == null || fov_deg == null || range_m == null || id === undefined) continue;
    const geometry = viewConePolygon(camera.geometry.coordinates, {
      bearingDeg: bearing,
      fovDeg: fov_deg,
      rangeM: range_m,
    });
    if (geometry) {
      features.push({
        type: "Feature",
        id: String(id),
        geometry,
        properties: { camera_id: String(id), status },
      });
    }
  }
  return { type: "FeatureCollection", features };
}
