import { CellIoError, type FeatureLocation } from "./errors.js";
import { assertLonLat, type MultiPolygonGeometry, mapPositions, type Position } from "./geometry.js";

/**
 * Coordinate systems a cell file may use. Storage is always WGS 84 (EPSG:4326).
 * - EPSG:4490 (CGCS2000) differs from WGS 84 by centimetres at most; taken as equal.
 * - EPSG:3857 (web Mercator) is projected back with the spherical formulas.
 * - GCJ-02 and BD-09 (Chinese commercial base maps) have no EPSG code: a file in them
 *   declares WGS 84, and the importer must be told ("coordinateSystem") to convert.
 */
export const CRS_IDS = ["EPSG:4326", "EPSG:4490", "EPSG:3857", "GCJ-02", "BD-09"] as const;
export type CrsId = (typeof CRS_IDS)[number];
export type DeclarableCrs = "EPSG:4326" | "EPSG:4490" | "EPSG:3857";

const R_MERCATOR = 6378137;
const DEG = Math.PI / 180;

function mercatorToLonLat([x, y]: Position): Position {
  return [x / R_MERCATOR / DEG, (2 * Math.atan(Math.exp(y / R_MERCATOR)) - Math.PI / 2) / DEG];
}

function lonLatToMercator([lon, lat]: Position): Position {
  return [lon * DEG * R_MERCATOR, Math.log(Math.tan(Math.PI / 4 + (lat * DEG) / 2)) * R_MERCATOR];
}

// GCJ-02: the published obfuscation (Krasovsky ellipsoid constants); identity outside China.
const GCJ_A = 6378245.0;
const GCJ_EE = 0.006693421622965943;

function outOfChina([lon, lat]: Position): boolean {
  return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function gcjOffset([lon, lat]: Position): Position {
  const x = lon - 105;
  const y = lat - 35;
  let dLat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  dLat += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  dLat += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  dLat += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  let dLon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  dLon += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  dLon += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  dLon += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  const radLat = lat * DEG;
  let magic = Math.sin(radLat);
  magic = 1 - GCJ_EE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180) / (((GCJ_A * (1 - GCJ_EE)) / (magic * sqrtMagic)) * Math.PI);
  dLon = (dLon * 180) / ((GCJ_A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [dLon, dLat];
}

export function wgs84ToGcj02(p: Position): Position {
  if (outOfChina(p)) return p;
  const [dLon, dLat] = gcjOffset(p);
  return [p[0] + dLon, p[1] + dLat];
}

/** Inverts a forward transform by fixed-point iteration (converges to < 1e-9° in a few steps). */
function invert(forward: (p: Position) => Position, target: Position): Position {
  let guess: Position = [target[0], target[1]];
  for (let i = 0; i < 30; i++) {
    const [fx, fy] = forward(guess);
    const ex = fx - target[0];
    const ey = fy - target[1];
    guess = [guess[0] - ex, guess[1] - ey];
    if (Math.abs(ex) < 1e-11 && Math.abs(ey) < 1e-11) break;
  }
  return guess;
}

export const gcj02ToWgs84 = (p: Position): Position => (outOfChina(p) ? p : invert(wgs84ToGcj02, p));

const X_PI = (Math.PI * 3000) / 180;

export function gcj02ToBd09([lon, lat]: Position): Position {
  const z = Math.sqrt(lon * lon + lat * lat) + 0.00002 * Math.sin(lat * X_PI);
  const theta = Math.atan2(lat, lon) + 0.000003 * Math.cos(lon * X_PI);
  return [z * Math.cos(theta) + 0.0065, z * Math.sin(theta) + 0.006];
}

export const bd09ToGcj02 = (p: Position): Position => invert(gcj02ToBd09, p);
export const wgs84ToBd09 = (p: Position): Position => gcj02ToBd09(wgs84ToGcj02(p));
export const bd09ToWgs84 = (p: Position): Position => gcj02ToWgs84(bd09ToGcj02(p));

const identity = (p: Position): Position => p;

const TO_WGS84: Record<CrsId, (p: Position) => Position> = {
  "EPSG:4326": identity,
  "EPSG:4490": identity,
  "EPSG:3857": mercatorToLonLat,
  "GCJ-02": gcj02ToWgs84,
  "BD-09": bd09ToWgs84,
};
const FROM_WGS84: Record<CrsId, (p: Position) => Position> = {
  "EPSG:4326": identity,
  "EPSG:4490": identity,
  "EPSG:3857": lonLatToMercator,
  "GCJ-02": wgs84ToGcj02,
  "BD-09": wgs84ToBd09,
};

/**
 * Converts a geometry from the file's CRS to WGS 84, refusing coordinates that cannot be in
 * the declared CRS (a "wrong CRS declared" file: metres declared as degrees or the reverse).
 */
export function geometryToWgs84(
  geometry: MultiPolygonGeometry,
  crs: CrsId,
  at: FeatureLocation,
): MultiPolygonGeometry {
  if (crs === "EPSG:3857") assertLooksProjected(geometry, at);
  else assertLooksGeographic(geometry, crs, at);
  const converted = mapPositions(geometry, TO_WGS84[crs]);
  assertLonLat(converted, at);
  return converted;
}

export function geometryFromWgs84(geometry: MultiPolygonGeometry, crs: CrsId): MultiPolygonGeometry {
  return mapPositions(geometry, FROM_WGS84[crs]);
}

function assertLooksGeographic(geometry: MultiPolygonGeometry, crs: CrsId, at: FeatureLocation): void {
  for (const polygon of geometry.coordinates) {
    for (const ring of polygon) {
      for (const [x, y] of ring) {
        if (Math.abs(x) > 180 || Math.abs(y) > 90) {
          const metres =
            Math.max(Math.abs(x), Math.abs(y)) > 1000 &&
            Math.abs(x) <= 20037508.35 &&
            Math.abs(y) <= 20048966.11;
          throw new CellIoError(
            metres ? "crs_mismatch" : "invalid_coordinates",
            metres
              ? `position [${x}, ${y}] looks like metres, but the file declares ${crs} (degrees); declare EPSG:3857 if it is web Mercator`
              : `position [${x}, ${y}] is outside longitude -180..180 / latitude -90..90`,
            at,
          );
        }
      }
    }
  }
}

function assertLooksProjected(geometry: MultiPolygonGeometry, at: FeatureLocation): void {
  let allSmall = true;
  for (const polygon of geometry.coordinates) {
    for (const ring of polygon) {
      for (const [x, y] of ring) {
        if (Math.abs(x) > 20037508.35 || Math.abs(y) > 20048966.11) {
          throw new CellIoError(
            "invalid_coordinates",
            `position [${x}, ${y}] is outside the web Mercator plane`,
            at,
          );
        }
        if (Math.abs(x) > 180 || Math.abs(y) > 90) allSmall = false;
      }
    }
  }
  // Web Mercator metres within ±180/±90 would be a cell within 200 m of (0°, 0°): degrees mislabelled.
  if (allSmall) {
    throw new CellIoError(
      "crs_mismatch",
      "coordinates look like degrees, but the file declares EPSG:3857 (metres); declare EPSG:4326",
      at,
    );
  }
}

/** The CRS a Shapefile .prj (ESRI or OGC WKT) describes, or null when it is not one we take. */
export function crsFromWkt(wkt: string): DeclarableCrs | null {
  const text = wkt.replace(/\s+/g, " ").toUpperCase();
  if (
    /AUTHORITY\["EPSG",\s*"?3857"?\]\s*\]\s*$/.test(text) ||
    /PSEUDO[-_ ]MERCATOR|WEB_MERCATOR|AUXILIARY_SPHERE|POPULAR VISUALISATION/.test(text)
  ) {
    return "EPSG:3857";
  }
  if (text.startsWith("PROJCS") || text.startsWith("PROJCRS")) return null;
  if (/CGCS[ _]?2000|CHINA[ _]GEODETIC[ _]COORDINATE[ _]SYSTEM[ _]2000|"4490"/.test(text)) return "EPSG:4490";
  if (/WGS[ _]?(19)?84|"4326"/.test(text) && (text.startsWith("GEOGCS") || text.startsWith("GEOGCRS")))
    return "EPSG:4326";
  return null;
}

/** ESRI-flavoured WKT for a .prj file. */
export function prjFor(crs: CrsId): string {
  switch (crs) {
    case "EPSG:4490":
      return 'GEOGCS["China Geodetic Coordinate System 2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';
    case "EPSG:3857":
      return 'PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Mercator_Auxiliary_Sphere"],PARAMETER["False_Easting",0.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",0.0],PARAMETER["Standard_Parallel_1",0.0],PARAMETER["Auxiliary_Sphere_Type",0.0],UNIT["Meter",1.0]]';
    default:
      // GCJ-02 / BD-09 have no definition of their own; files in them are labelled WGS 84.
      return 'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';
  }
}

/** The EPSG number a file can declare for a CRS (GCJ-02 / BD-09 files declare 4326). */
export function epsgOf(crs: CrsId): 4326 | 4490 | 3857 {
  return crs === "EPSG:4490" ? 4490 : crs === "EPSG:3857" ? 3857 : 4326;
}

export function crsFromEpsg(code: number): DeclarableCrs | null {
  return code === 4326
    ? "EPSG:4326"
    : code === 4490
      ? "EPSG:4490"
      : code === 3857 || code === 900913
        ? "EPSG:3857"
        : null;
}
