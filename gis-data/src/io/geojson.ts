import { type CrsId, crsFromEpsg, epsgOf, geometryFromWgs84 } from "./crs.js";
import { CellIoError } from "./errors.js";
import type { CellRecord } from "./geometry.js";
import { type ReadProgress, toCellRecord } from "./records.js";

/** The CRS of a GeoJSON file: RFC 7946 says WGS 84; the 2008 `crs` member may say otherwise. */
function declaredCrs(json: { crs?: unknown }): CrsId | null {
  const name = (json.crs as { properties?: { name?: unknown } } | undefined)?.properties?.name;
  if (typeof name !== "string") return null;
  if (/CRS84$/i.test(name)) return "EPSG:4326";
  const epsg = /EPSG:{1,2}(\d+)$/i.exec(name);
  const crs = epsg ? crsFromEpsg(Number(epsg[1])) : null;
  if (!crs)
    throw new CellIoError(
      "unsupported_crs",
      `The GeoJSON declares the CRS ${name}; use EPSG:4326, 4490 or 3857.`,
    );
  return crs;
}

export function readGeoJson(
  bytes: Uint8Array,
  opts: {
    crs?: CrsId | undefined;
    maxFeatures: number;
    onProgress?: ((p: ReadProgress) => void) | undefined;
  },
): { cells: CellRecord[]; crs: CrsId } {
  let json: { type?: unknown; features?: unknown; crs?: unknown };
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)) as typeof json;
  } catch (cause) {
    throw new CellIoError(
      "invalid_json",
      `The file is not valid UTF-8 JSON (${(cause as Error).message}).`,
      undefined,
      { cause },
    );
  }
  if (json?.type !== "FeatureCollection" || !Array.isArray(json.features)) {
    throw new CellIoError("not_a_feature_collection", "A GeoJSON cell file must be a FeatureCollection.");
  }
  if (json.features.length > opts.maxFeatures) {
    throw new CellIoError(
      "too_many_features",
      `The file has ${json.features.length} features; the limit is ${opts.maxFeatures}.`,
    );
  }
  const crs = opts.crs ?? declaredCrs(json) ?? "EPSG:4326";
  const total = json.features.length;
  const cells = json.features.map(
    (f: { properties?: Record<string, unknown> | null; geometry?: unknown }, i: number) => {
      if ((i + 1) % 1000 === 0) opts.onProgress?.({ phase: "reading", done: i + 1, total });
      return toCellRecord(f?.properties ?? null, f?.geometry, i + 1, crs);
    },
  );
  return { cells, crs };
}

export function writeGeoJson(cells: readonly CellRecord[], crs: CrsId): Uint8Array {
  const features = cells.map((c) => ({
    type: "Feature",
    id: c.code,
    geometry: geometryFromWgs84(c.geometry, crs),
    properties: {
      code: c.code,
      name: c.name,
      name_en: c.name_en,
      level: c.level,
      parent_code: c.parent_code,
    },
  }));
  // RFC 7946 files are WGS 84; another CRS is named with the 2008 `crs` member.
  const crsMember =
    epsgOf(crs) === 4326
      ? {}
      : { crs: { type: "name", properties: { name: `urn:ogc:def:crs:EPSG::${epsgOf(crs)}` } } };
  return new TextEncoder().encode(JSON.stringify({ type: "FeatureCollection", ...crsMember, features }));
}
