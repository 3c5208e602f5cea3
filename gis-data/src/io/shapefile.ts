import { open as openShapefile } from "shapefile";
import { type CrsId, crsFromWkt, geometryFromWgs84, prjFor } from "./crs.js";
import { CellIoError } from "./errors.js";
import type { CellRecord, MultiPolygonGeometry, Ring } from "./geometry.js";
import { type ReadProgress, toCellRecord } from "./records.js";
import { safeUnzip, type ZipLimits, zipFiles } from "./zip.js";

const PARTS = [".shp", ".shx", ".dbf", ".prj", ".cpg"] as const;

function baseAndExt(name: string): [string, string] {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? [name, ""] : [name.slice(0, dot), name.slice(dot).toLowerCase()];
}

/** The DBF's text encoding: its .cpg, else UTF-8 when the bytes are valid UTF-8, else GBK (common in China). */
function dbfEncoding(cpg: Uint8Array | undefined, dbf: Uint8Array): string {
  const declared = cpg ? new TextDecoder().decode(cpg).trim().toLowerCase() : "";
  if (declared) {
    if (/^(utf-?8|65001)$/.test(declared)) return "utf-8";
    if (/^(gbk|cp936|936|gb2312|gb18030)$/.test(declared)) return "gbk";
    return declared;
  }
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(dbf);
    return "utf-8";
  } catch {
    return "gbk";
  }
}

export async function readShapefileZip(
  archive: Uint8Array,
  opts: {
    crs?: CrsId | undefined;
    limits: ZipLimits;
    maxFeatures: number;
    onProgress?: ((p: ReadProgress) => void) | undefined;
  },
): Promise<{ cells: CellRecord[]; crs: CrsId }> {
  const files = safeUnzip(
    archive,
    (name) => !name.startsWith("__MACOSX/") && PARTS.some((p) => name.toLowerCase().endsWith(p)),
    opts.limits,
  );
  const shps = [...files.keys()].filter((n) => n.toLowerCase().endsWith(".shp"));
  if (shps.length !== 1) {
    throw new CellIoError(
      "shapefile_incomplete",
      shps.length === 0
        ? "The zip holds no .shp file."
        : `The zip holds ${shps.length} .shp files (${shps.join(", ")}); send one layer per zip.`,
    );
  }
  const [base] = baseAndExt(shps[0]!);
  const part = (ext: string) =>
    [...files.entries()].find(([n]) => baseAndExt(n)[0] === base && baseAndExt(n)[1] === ext)?.[1];
  const shp = part(".shp")!;
  const dbf = part(".dbf");
  if (!dbf)
    throw new CellIoError("shapefile_incomplete", `${base}.dbf is missing: cell codes and names live there.`);
  const prj = part(".prj");
  let crs = opts.crs;
  if (!crs) {
    if (!prj) {
      throw new CellIoError(
        "shapefile_missing_prj",
        `${base}.prj is missing, so the coordinate system is unknown; add it or state the CRS when importing.`,
      );
    }
    const wkt = new TextDecoder().decode(prj);
    crs = crsFromWkt(wkt) ?? undefined;
    if (!crs)
      throw new CellIoError(
        "unsupported_crs",
        `${base}.prj describes a coordinate system we do not take (${wkt.slice(0, 80)}…); use EPSG:4326, 4490 or 3857.`,
      );
  }
  const shapeType = shp.byteLength >= 36 ? new DataView(shp.buffer, shp.byteOffset).getInt32(32, true) : -1;
  if (![5, 15, 25].includes(shapeType)) {
    throw new CellIoError(
      "unsupported_shape_type",
      `${base}.shp holds shape type ${shapeType}; cells need polygons (type 5).`,
    );
  }
  const cells: CellRecord[] = [];
  try {
    const source = await openShapefile(shp, dbf, { encoding: dbfEncoding(part(".cpg"), dbf) });
    for (let row = 1; ; row++) {
      const next = await source.read();
      if (next.done) break;
      if (row > opts.maxFeatures)
        throw new CellIoError("too_many_features", `The file has more than ${opts.maxFeatures} features.`);
      cells.push(toCellRecord(next.value.properties, next.value.geometry, row, crs));
      if (row % 1000 === 0) opts.onProgress?.({ phase: "reading", done: row, total: null });
    }
  } catch (cause) {
    if (cause instanceof CellIoError) throw cause;
    throw new CellIoError(
      "shapefile_unreadable",
      `${base}.shp/.dbf cannot be read (${(cause as Error).message}).`,
      undefined,
      { cause },
    );
  }
  return { cells, crs };
}

// Writing -------------------------------------------------------------------------------

const ringArea = (ring: Ring) => {
  let a = 0;
  for (let i = 0; i < ring.length - 1; i++)
    a += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
  return a / 2;
};

/** Shapefile rings: outer rings clockwise, holes counter-clockwise. */
function shapefileRings(geometry: MultiPolygonGeometry): Ring[] {
  return geometry.coordinates.flatMap((polygon) =>
    polygon.map((ring, i) => {
      const clockwise = ringArea(ring) < 0;
      return (i === 0) === clockwise ? ring : [...ring].reverse();
    }),
  );
}

const FIELDS = [
  { name: "CODE", length: 32, get: (c: CellRecord) => c.code },
  { name: "NAME", length: 254, get: (c: CellRecord) => c.name },
  { name: "NAME_EN", length: 254, get: (c: CellRecord) => c.name_en ?? "" },
  { name: "LEVEL", length: 16, get: (c: CellRecord) => c.level ?? "" },
  { name: "PARENT", length: 32, get: (c: CellRecord) => c.parent_code ?? "" },
] as const;

/** UTF-8 bytes cut at `max` without splitting a character. */
function utf8Field(text: string, max: number): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= max) return bytes;
  let end = max;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.slice(0, end);
}

function writeDbf(cells: readonly CellRecord[]): Uint8Array {
  const headerLength = 32 + FIELDS.length * 32 + 1;
  const recordLength = 1 + FIELDS.reduce((n, f) => n + f.length, 0);
  const buf = new Uint8Array(headerLength + cells.length * recordLength + 1);
  const view = new DataView(buf.buffer);
  const now = new Date();
  buf[0] = 0x03;
  buf[1] = now.getUTCFullYear() - 1900;
  buf[2] = now.getUTCMonth() + 1;
  buf[3] = now.getUTCDate();
  view.setUint32(4, cells.length, true);
  view.setUint16(8, headerLength, true);
  view.setUint16(10, recordLength, true);
  FIELDS.forEach((f, i) => {
    const o = 32 + i * 32;
    buf.set(new TextEncoder().encode(f.name), o);
    buf[o + 11] = "C".charCodeAt(0);
    buf[o + 16] = f.length;
  });
  buf[headerLength - 1] = 0x0d;
  cells.forEach((c, r) => {
    let o = headerLength + r * recordLength;
    buf.fill(0x20, o, o + recordLength);
    o += 1;
    for (const f of FIELDS) {
      buf.set(utf8Field(f.get(c), f.length), o);
      o += f.length;
    }
  });
  buf[buf.length - 1] = 0x1a;
  return buf;
}

function writeShpShx(geometries: readonly MultiPolygonGeometry[]): { shp: Uint8Array; shx: Uint8Array } {
  const records = geometries.map((g) => {
    const rings = shapefileRings(g);
    const points = rings.reduce((n, r) => n + r.length, 0);
    return { rings, points, contentBytes: 44 + 4 * rings.length + 16 * points };
  });
  const shpLength = 100 + records.reduce((n, r) => n + 8 + r.contentBytes, 0);
  const shp = new Uint8Array(shpLength);
  const shx = new Uint8Array(100 + 8 * records.length);
  const sv = new DataView(shp.buffer);
  const xv = new DataView(shx.buffer);
  const all = records.flatMap((r) => r.rings.flat());
  const bbox = bboxOf(all);
  for (const [view, length] of [
    [sv, shpLength],
    [xv, shx.length],
  ] as const) {
    view.setInt32(0, 9994, false);
    view.setInt32(24, length / 2, false);
    view.setInt32(28, 1000, true);
    view.setInt32(32, 5, true);
    bbox.forEach((v, i) => {
      view.setFloat64(36 + i * 8, v, true);
    });
  }
  let o = 100;
  records.forEach((r, i) => {
    xv.setInt32(100 + i * 8, o / 2, false);
    xv.setInt32(104 + i * 8, r.contentBytes / 2, false);
    sv.setInt32(o, i + 1, false);
    sv.setInt32(o + 4, r.contentBytes / 2, false);
    o += 8;
    sv.setInt32(o, 5, true);
    bboxOf(r.rings.flat()).forEach((v, k) => {
      sv.setFloat64(o + 4 + k * 8, v, true);
    });
    sv.setInt32(o + 36, r.rings.length, true);
    sv.setInt32(o + 40, r.points, true);
    o += 44;
    let start = 0;
    for (const ring of r.rings) {
      sv.setInt32(o, start, true);
      o += 4;
      start += ring.length;
    }
    for (const [x, y] of r.rings.flat()) {
      sv.setFloat64(o, x, true);
      sv.setFloat64(o + 8, y, true);
      o += 16;
    }
  });
  return { shp, shx };
}

function bboxOf(points: readonly [number, number][]): [number, number, number, number] {
  if (points.length === 0) return [0, 0, 0, 0];
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of points) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  return [minX, minY, maxX, maxY];
}

/** A zipped Shapefile (cells.shp/.shx/.dbf/.prj/.cpg, UTF-8 attributes). */
export function writeShapefileZip(cells: readonly CellRecord[], crs: CrsId, layer = "cells"): Uint8Array {
  const { shp, shx } = writeShpShx(cells.map((c) => geometryFromWgs84(c.geometry, crs)));
  return zipFiles({
    [`${layer}.shp`]: shp,
    [`${layer}.shx`]: shx,
    [`${layer}.dbf`]: writeDbf(cells),
    [`${layer}.prj`]: new TextEncoder().encode(prjFor(crs)),
    [`${layer}.cpg`]: new TextEncoder().encode("UTF-8"),
  });
}
