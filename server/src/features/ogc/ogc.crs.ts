/**
 * Coordinate reference systems the OGC API serves (Part 2). Storage is WGS 84 lon/lat
 * (CRS84). EPSG:4326 and EPSG:4490 (CGCS2000) are defined with latitude first, so their
 * coordinates are flipped on the way out and on the way in (bbox-crs).
 */
export const CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

export interface CrsDef {
  uri: string;
  srid: number;
  /** Axis order of the definition is latitude, longitude. */
  latFirst: boolean;
  geographic: boolean;
  /** Decimal digits kept in GeoJSON output (about 1 cm either way). */
  digits: number;
}

export const supportedCrs: readonly CrsDef[] = [
  { uri: CRS84, srid: 4326, latFirst: false, geographic: true, digits: 7 },
  {
    uri: "http://www.opengis.net/def/crs/EPSG/0/4326",
    srid: 4326,
    latFirst: true,
    geographic: true,
    digits: 7,
  },
  {
    uri: "http://www.opengis.net/def/crs/EPSG/0/4490",
    srid: 4490,
    latFirst: true,
    geographic: true,
    digits: 7,
  },
  {
    uri: "http://www.opengis.net/def/crs/EPSG/0/3857",
    srid: 3857,
    latFirst: false,
    geographic: false,
    digits: 2,
  },
];

export const crsByUri = (uri: string): CrsDef | undefined =>
  supportedCrs.find((c) => c.uri === uri || c.uri === uri.replace(/^\[|\]$/g, ""));

/** SQL turning a stored (EPSG:4326 lon/lat) geometry expression into `crs`. */
export function geometryIn(crs: CrsDef, geom: string): string {
  const transformed = crs.srid === 4326 ? geom : `ST_Transform(${geom}, ${crs.srid})`;
  return crs.latFirst ? `ST_FlipCoordinates(${transformed})` : transformed;
}
