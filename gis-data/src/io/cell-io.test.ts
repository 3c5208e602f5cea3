import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { loadDemoDistrict } from "../index.js";
import {
  type CellFileFormat,
  CellIoError,
  type CellRecord,
  type CrsId,
  gcj02ToWgs84,
  readCellFile,
  wgs84ToGcj02,
  writeCellFile,
} from "./index.js";

async function demoRecords(n: number): Promise<CellRecord[]> {
  const { cells } = await loadDemoDistrict();
  return cells.features.slice(0, n).map((f, i) => ({
    code: f.properties.code,
    name: f.properties.name,
    name_en: f.properties.name_en,
    level: f.properties.level,
    parent_code: f.properties.parent_code,
    geometry: f.geometry,
    row: i + 1,
  }));
}

/** A cell with a hole and a second part, so ring handling is exercised. */
const holed: CellRecord = {
  code: "330199009009009",
  name: "带洞网格",
  name_en: "Holed",
  level: "grid",
  parent_code: "330199009009000",
  row: 1,
  geometry: {
    type: "MultiPolygon",
    coordinates: [
      [
        [
          [120.1, 30.1],
          [120.11, 30.1],
          [120.11, 30.11],
          [120.1, 30.11],
          [120.1, 30.1],
        ],
        [
          [120.102, 30.102],
          [120.102, 30.104],
          [120.104, 30.104],
          [120.104, 30.102],
          [120.102, 30.102],
        ],
      ],
      [
        [
          [120.12, 30.1],
          [120.13, 30.1],
          [120.13, 30.11],
          [120.12, 30.1],
        ],
      ],
    ],
  },
};

const signedArea = (ring: [number, number][]) =>
  ring.slice(0, -1).reduce((a, p, i) => a + p[0] * ring[i + 1]![1] - ring[i + 1]![0] * p[1], 0);

/** Largest distance in metres between corresponding vertices (ring direction ignored). */
function maxVertexErrorM(a: CellRecord, b: CellRecord): number {
  let worst = 0;
  a.geometry.coordinates.forEach((polygon, p) => {
    polygon.forEach((ring, r) => {
      let other = b.geometry.coordinates[p]?.[r];
      if (!other || other.length !== ring.length) {
        worst = Number.POSITIVE_INFINITY;
        return;
      }
      if (Math.sign(signedArea(other)) !== Math.sign(signedArea(ring))) other = [...other].reverse();
      ring.forEach(([x, y], i) => {
        const [ox, oy] = other![i]!;
        const dy = (oy - y) * 111_320;
        const dx = (ox - x) * 111_320 * Math.cos((y * Math.PI) / 180);
        worst = Math.max(worst, Math.hypot(dx, dy));
      });
    });
  });
  return worst;
}

const formats: CellFileFormat[] = ["geojson", "shapefile", "geopackage"];
const crses: CrsId[] = ["EPSG:4326", "EPSG:4490", "EPSG:3857", "GCJ-02", "BD-09"];

describe("cell file round trips", () => {
  for (const format of formats) {
    for (const crs of crses) {
      it(`${format} in ${crs}`, async () => {
        const cells = [...(await demoRecords(25)), holed];
        const file = await writeCellFile(cells, format, crs);
        // GCJ-02 / BD-09 can't be declared in a file: the importer is told.
        const read = await readCellFile(file.bytes, {
          fileName: `cells.${file.extension}`,
          ...(crs === "GCJ-02" || crs === "BD-09" ? { crs } : {}),
        });
        expect(read.format).toBe(format);
        expect(read.crs).toBe(crs);
        expect(read.cells.map((c) => c.code)).toEqual(cells.map((c) => c.code));
        expect(read.cells.map((c) => [c.name, c.name_en, c.level, c.parent_code])).toEqual(
          cells.map((c) => [c.name, c.name_en, c.level, c.parent_code]),
        );
        const limit = crs === "GCJ-02" || crs === "BD-09" ? 1 : 0.01;
        for (const [i, c] of cells.entries())
          expect(maxVertexErrorM(c, read.cells[i]!), c.code).toBeLessThan(limit);
      });
    }
  }

  it("GCJ-02 really moves points (hundreds of metres in China) and inverts to within centimetres", () => {
    const p: [number, number] = [120.15, 30.28];
    const g = wgs84ToGcj02(p);
    expect(Math.hypot((g[0] - p[0]) * 96_000, (g[1] - p[1]) * 111_000)).toBeGreaterThan(100);
    const back = gcj02ToWgs84(g);
    expect(Math.abs(back[0] - p[0]) + Math.abs(back[1] - p[1])).toBeLessThan(1e-8);
  });
});

async function refusal(bytes: Uint8Array, opts: Parameters<typeof readCellFile>[1] = {}) {
  try {
    await readCellFile(bytes, opts);
  } catch (error) {
    if (error instanceof CellIoError) return error;
    throw error;
  }
  throw new Error("expected a CellIoError");
}

const geojson = (features: unknown[], extra: Record<string, unknown> = {}) =>
  new TextEncoder().encode(JSON.stringify({ type: "FeatureCollection", ...extra, features }));
const feature = (code: string, geometry: unknown) => ({
  type: "Feature",
  properties: { code, name: code },
  geometry,
});
const square = [
  [
    [120, 30],
    [120.01, 30],
    [120.01, 30.01],
    [120, 30.01],
    [120, 30],
  ],
];

describe("bad cell files are refused with a specific error naming the feature", () => {
  it("non-polygon geometry, impossible coordinates and missing codes", async () => {
    const point = await refusal(
      geojson([
        feature("330199001001001", { type: "Polygon", coordinates: square }),
        feature("330199001001002", { type: "Point", coordinates: [120, 30] }),
      ]),
    );
    expect(point.code).toBe("invalid_geometry_type");
    expect(point.location).toEqual({ row: 2, code: "330199001001002" });
    expect(point.message).toMatch(/feature 2 \(code 330199001001002\).*Point/);
    const lat = await refusal(
      geojson([
        feature("330199001001001", {
          type: "Polygon",
          coordinates: [
            [
              [120, 30],
              [120.01, 95],
              [120.01, 30.01],
              [120, 30],
            ],
          ],
        }),
      ]),
    );
    expect(lat.code).toBe("invalid_coordinates");
    const nan = await refusal(
      geojson([
        feature("330199001001001", {
          type: "Polygon",
          coordinates: [
            [
              [120, 30],
              ["NaN", 30],
              [120.01, 30.01],
              [120, 30],
            ],
          ],
        }),
      ]),
    );
    expect(nan.code).toBe("invalid_coordinates");
    const nocode = await refusal(
      geojson([
        { type: "Feature", properties: { name: "x" }, geometry: { type: "Polygon", coordinates: square } },
      ]),
    );
    expect(nocode.code).toBe("missing_attribute");
    expect((await refusal(new TextEncoder().encode("{ nope"))).code).toBe("invalid_json");
    expect((await refusal(new TextEncoder().encode('{"type":"Feature"}'))).code).toBe(
      "not_a_feature_collection",
    );
  });

  it("a wrong CRS declared: metres labelled as degrees and degrees labelled as metres", async () => {
    const metres = [
      [
        [13_358_338, 3_503_549],
        [13_359_451, 3_503_549],
        [13_359_451, 3_504_834],
        [13_358_338, 3_503_549],
      ],
    ];
    expect(
      (await refusal(geojson([feature("330199001001001", { type: "Polygon", coordinates: metres })]))).code,
    ).toBe("crs_mismatch");
    const declared3857 = geojson([feature("330199001001001", { type: "Polygon", coordinates: square })], {
      crs: { type: "name", properties: { name: "urn:ogc:def:crs:EPSG::3857" } },
    });
    expect((await refusal(declared3857)).code).toBe("crs_mismatch");
    const utm = geojson([feature("330199001001001", { type: "Polygon", coordinates: square })], {
      crs: { type: "name", properties: { name: "urn:ogc:def:crs:EPSG::32651" } },
    });
    expect((await refusal(utm)).code).toBe("unsupported_crs");
  });

  it("a Shapefile without .prj, unless the CRS is stated", async () => {
    const file = await writeCellFile([holed], "shapefile");
    const { unzipSync } = await import("fflate");
    const parts = unzipSync(file.bytes);
    delete parts["cells.prj"];
    const noPrj = zipSync(parts);
    const error = await refusal(noPrj);
    expect(error.code).toBe("shapefile_missing_prj");
    const stated = await readCellFile(noPrj, { crs: "EPSG:4326" });
    expect(stated.cells[0]!.code).toBe(holed.code);
  });

  it("zip bombs, oversized files and zips that are not zips", async () => {
    const zeros = new Uint8Array(40 * 1024 * 1024);
    const bomb = zipSync({ "cells.shp": [zeros, { level: 9 }] });
    expect(bomb.byteLength).toBeLessThan(200_000);
    expect((await refusal(bomb)).code).toBe("zip_bomb");
    expect((await refusal(bomb, { zipLimits: { maxEntryBytes: 1024 * 1024, maxRatio: 1e9 } })).code).toBe(
      "zip_entry_too_large",
    );
    const many = zipSync(
      Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`f${i}.txt`, new Uint8Array(1)])),
    );
    expect((await refusal(many)).code).toBe("zip_too_many_entries");
    expect((await refusal(new Uint8Array(2000).fill(32), { maxFileBytes: 1000 })).code).toBe(
      "file_too_large",
    );
    const fakeZip = new Uint8Array([0x50, 0x4b, 3, 4, ...new Uint8Array(200).fill(7)]);
    expect((await refusal(fakeZip)).code).toMatch(/^zip_unreadable|shapefile_incomplete$/);
  });

  it("a broken GeoPackage", async () => {
    const good = (await writeCellFile([holed], "geopackage")).bytes;
    const truncated = good.slice(0, 2000);
    expect((await refusal(truncated)).code).toMatch(/^geopackage_(unreadable|invalid)$/);
    const garbage = new Uint8Array(4096).fill(0x41);
    expect((await refusal(garbage, { fileName: "x.gpkg" })).code).toBe("geopackage_unreadable");
    const header = new TextEncoder().encode("SQLite format 3\u0000");
    const fake = new Uint8Array(4096);
    fake.set(header);
    expect((await refusal(fake)).code).toMatch(/^geopackage_(unreadable|invalid)$/);
  });
});
