import type { FeatureCollection, Point, Position } from "geojson";
import { describe, expect, it } from "vitest";
import { boundsOf } from "./bounds.js";
import { type CameraConeInput, cameraViewCones, viewConePolygon } from "./view-cone.js";

// An independent great-circle oracle, so the test does not check turf against itself.
const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;
const deg = (r: number) => (r * 180) / Math.PI;

function distanceM(a: Position, b: Position): number {
  const [lon1 = 0, lat1 = 0] = a;
  const [lon2 = 0, lat2 = 0] = b;
  const h =
    Math.sin(rad(lat2 - lat1) / 2) ** 2 +
    Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lon2 - lon1) / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(h));
}

function bearingDeg(a: Position, b: Position): number {
  const [lon1 = 0, lat1 = 0] = a;
  const [lon2 = 0, lat2 = 0] = b;
  const y = Math.sin(rad(lon2 - lon1)) * Math.cos(rad(lat2));
  const x =
    Math.cos(rad(lat1)) * Math.sin(rad(lat2)) -
    Math.sin(rad(lat1)) * Math.cos(rad(lat2)) * Math.cos(rad(lon2 - lon1));
  return (deg(Math.atan2(y, x)) + 360) % 360;
}

const angleGap = (a: number, b: number) => Math.abs(((a - b + 540) % 360) - 180);
const camera: Position = [121.4737, 31.2304];

describe("viewConePolygon", () => {
  it("has its apex at the camera and its arc at the range, within the field of view", () => {
    const cone = viewConePolygon(camera, { bearingDeg: 90, fovDeg: 60, rangeM: 120 });
    expect(cone).not.toBeNull();
    const ring = cone?.coordinates[0] ?? [];
    expect(ring[0]).toEqual(camera);
    expect(ring.at(-1)).toEqual(camera);
    const arc = ring.slice(1, -1);
    expect(arc.length).toBeGreaterThan(2);
    for (const vertex of arc) {
      expect(distanceM(camera, vertex)).toBeCloseTo(120, 0);
      expect(angleGap(bearingDeg(camera, vertex), 90)).toBeLessThanOrEqual(30 + 1e-6);
    }
    const bearings = arc.map((v) => bearingDeg(camera, v));
    expect(Math.min(...bearings.map((b) => angleGap(b, 60)))).toBeLessThan(0.5);
    expect(Math.min(...bearings.map((b) => angleGap(b, 120)))).toBeLessThan(0.5);
  });

  it("wraps across north (bearing 350°, fov 40° spans 330°..10°)", () => {
    const ring = viewConePolygon(camera, { bearingDeg: 350, fovDeg: 40, rangeM: 50 })?.coordinates[0] ?? [];
    for (const vertex of ring.slice(1, -1)) {
      expect(angleGap(bearingDeg(camera, vertex), 350)).toBeLessThanOrEqual(20 + 1e-6);
    }
  });

  it("draws a full circle around the camera for a 360° view", () => {
    const ring = viewConePolygon(camera, { bearingDeg: 0, fovDeg: 360, rangeM: 80 })?.coordinates[0] ?? [];
    expect(ring.length).toBeGreaterThan(16);
    for (const vertex of ring) expect(distanceM(camera, vertex)).toBeCloseTo(80, 0);
  });

  it("returns null for a camera without range or field of view", () => {
    expect(viewConePolygon(camera, { bearingDeg: 10, fovDeg: 0, rangeM: 100 })).toBeNull();
    expect(viewConePolygon(camera, { bearingDeg: 10, fovDeg: 60, rangeM: 0 })).toBeNull();
    expect(viewConePolygon(camera, { bearingDeg: Number.NaN, fovDeg: 60, rangeM: 10 })).toBeNull();
  });
});

describe("cameraViewCones", () => {
  it("makes one cone per camera with full cone data, keyed by camera id", () => {
    const cameras: FeatureCollection<Point, CameraConeInput> = {
      type: "FeatureCollection",
      features: [
        {
          type: "Feature",
          geometry: { type: "Point", coordinates: camera },
          properties: { id: "cam-1", bearing: 45, fov_deg: 70, range_m: 60, status: "online" },
        },
        {
          type: "Feature",
          geometry: { type: "Point", coordinates: camera },
          properties: { id: "cam-2", bearing: null, fov_deg: 70, range_m: 60, status: "offline" },
        },
        {
          type: "Feature",
          geometry: { type: "Point", coordinates: camera },
          properties: { id: 7, bearing: 200, fov_deg: 30, range_m: 90, status: "offline" },
        },
      ],
    };
    const cones = cameraViewCones(cameras);
    expect(cones.features.map((f) => f.properties)).toEqual([
      { camera_id: "cam-1", status: "online" },
      { camera_id: "7", status: "offline" },
    ]);
    expect(cones.features[0]?.id).toBe("cam-1");
  });
});

describe("boundsOf", () => {
  it("covers points and multipolygons across collections", () => {
    const bounds = boundsOf([
      {
        type: "FeatureCollection",
        features: [{ type: "Feature", properties: {}, geometry: { type: "Point", coordinates: [10, 20] } }],
      },
      {
        type: "FeatureCollection",
        features: [
          {
            type: "Feature",
            properties: {},
            geometry: {
              type: "MultiPolygon",
              coordinates: [
                [
                  [
                    [9, 21],
                    [11.5, 21],
                    [11.5, 19.5],
                    [9, 21],
                  ],
                ],
              ],
            },
          },
        ],
      },
    ]);
    expect(bounds).toEqual([9, 19.5, 11.5, 21]);
  });

  it("is null for empty collections", () => {
    expect(boundsOf([{ type: "FeatureCollection", features: [] }])).toBeNull();
  });
});
