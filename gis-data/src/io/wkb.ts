import { CellIoError, type FeatureLocation } from "./errors.js";
import type { MultiPolygonCoords, MultiPolygonGeometry, PolygonCoords, Ring } from "./geometry.js";

/** ISO/OGC well-known binary for the geometries cells use (Polygon, MultiPolygon, 2D). */

const WKB_POLYGON = 3;
const WKB_MULTIPOLYGON = 6;
const TYPE_NAMES: Record<number, string> = {
  1: "Point",
  2: "LineString",
  3: "Polygon",
  4: "MultiPoint",
  5: "MultiLineString",
  6: "MultiPolygon",
  7: "GeometryCollection",
};

export function encodeMultiPolygonWkb(geometry: MultiPolygonGeometry): Uint8Array {
  const polygons = geometry.coordinates;
  let size = 9;
  for (const polygon of polygons) {
    size += 9;
    for (const ring of polygon) size += 4 + ring.length * 16;
  }
  const buf = new Uint8Array(size);
  const view = new DataView(buf.buffer);
  let o = 0;
  const header = (type: number, count: number) => {
    view.setUint8(o, 1);
    view.setUint32(o + 1, type, true);
    view.setUint32(o + 5, count, true);
    o += 9;
  };
  header(WKB_MULTIPOLYGON, polygons.length);
  for (const polygon of polygons) {
    header(WKB_POLYGON, polygon.length);
    for (const ring of polygon) {
      view.setUint32(o, ring.length, true);
      o += 4;
      for (const [x, y] of ring) {
        view.setFloat64(o, x, true);
        view.setFloat64(o + 8, y, true);
        o += 16;
      }
    }
  }
  return buf;
}

/** Reads Polygon or MultiPolygon WKB (Z/M dimensions dropped); other types are refused by name. */
export function decodeWkb(bytes: Uint8Array, at: FeatureLocation = { row: 0 }): MultiPolygonGeometry {
  const reader = new WkbReader(bytes, at);
  const { type, dims } = reader.header();
  if (type === WKB_POLYGON) return { type: "MultiPolygon", coordinates: [reader.polygon(dims)] };
  if (type === WKB_MULTIPOLYGON) {
    const count = reader.uint32();
    const coords: MultiPolygonCoords = [];
    for (let i = 0; i < count; i++) {
      const inner = reader.header();
      if (inner.type !== WKB_POLYGON)
        throw new CellIoError("invalid_wkb", "MultiPolygon holds a non-polygon", at);
      coords.push(reader.polygon(inner.dims));
    }
    return { type: "MultiPolygon", coordinates: coords };
  }
  throw new CellIoError(
    "invalid_geometry_type",
    `has a ${TYPE_NAMES[type] ?? `type ${type}`} geometry; a cell needs a Polygon or MultiPolygon`,
    at,
  );
}

class WkbReader {
  private offset = 0;
  private little = true;
  private readonly view: DataView;

  constructor(
    bytes: Uint8Array,
    private readonly at: FeatureLocation,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  header(): { type: number; dims: number } {
    this.need(5);
    this.little = this.view.getUint8(this.offset) === 1;
    this.offset += 1;
    const raw = this.uint32();
    // ISO codes add 1000 (Z), 2000 (M), 3000 (ZM); EWKB sets high flag bits instead.
    const ewkbZ = (raw & 0x80000000) !== 0;
    const ewkbM = (raw & 0x40000000) !== 0;
    if (raw & 0x20000000) this.offset += 4; // EWKB SRID
    const base = raw & 0x0fffffff;
    const iso = Math.floor(base / 1000);
    const type = base % 1000;
    const dims = 2 + (ewkbZ ? 1 : 0) + (ewkbM ? 1 : 0) + (iso === 3 ? 2 : iso >= 1 ? 1 : 0);
    return { type, dims };
  }

  uint32(): number {
    this.need(4);
    const v = this.view.getUint32(this.offset, this.little);
    this.offset += 4;
    return v;
  }

  polygon(dims: number): PolygonCoords {
    const rings = this.uint32();
    const polygon: PolygonCoords = [];
    for (let r = 0; r < rings; r++) {
      const n = this.uint32();
      this.need(n * dims * 8);
      const ring: Ring = [];
      for (let i = 0; i < n; i++) {
        const x = this.view.getFloat64(this.offset, this.little);
        const y = this.view.getFloat64(this.offset + 8, this.little);
        this.offset += dims * 8;
        ring.push([x, y]);
      }
      polygon.push(ring);
    }
    return polygon;
  }

  private need(n: number): void {
    if (this.offset + n > this.view.byteLength) {
      throw new CellIoError("invalid_wkb", "geometry bytes end early (truncated WKB)", this.at);
    }
  }
}
