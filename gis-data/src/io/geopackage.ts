import initSqlJs, { type Database, type SqlJsStatic, type SqlValue } from "sql.js";
import { type CrsId, crsFromEpsg, epsgOf, geometryFromWgs84 } from "./crs.js";
import { CellIoError } from "./errors.js";
import { type CellRecord, extentOf, type MultiPolygonGeometry } from "./geometry.js";
import { type ReadProgress, toCellRecord } from "./records.js";
import { decodeWkb, encodeMultiPolygonWkb } from "./wkb.js";

/** GeoPackage 1.3 (an SQLite file) through sql.js (SQLite compiled to WebAssembly, no native code). */

let sqlite: Promise<SqlJsStatic> | null = null;
const loadSqlite = () => {
  sqlite ??= initSqlJs();
  return sqlite;
};

const SQLITE_MAGIC = "SQLite format 3\u0000";

function openDatabase(SQL: SqlJsStatic, bytes: Uint8Array): Database {
  if (new TextDecoder().decode(bytes.subarray(0, 16)) !== SQLITE_MAGIC) {
    throw new CellIoError(
      "geopackage_unreadable",
      "The file is not an SQLite database, so not a GeoPackage.",
    );
  }
  try {
    const db = new SQL.Database(bytes);
    db.exec("SELECT count(*) FROM sqlite_master");
    return db;
  } catch (cause) {
    throw new CellIoError(
      "geopackage_unreadable",
      `The GeoPackage cannot be opened (${(cause as Error).message}).`,
      undefined,
      { cause },
    );
  }
}

function rows(db: Database, sql: string, params: SqlValue[] = []): Record<string, SqlValue>[] {
  const stmt = db.prepare(sql);
  try {
    stmt.bind(params);
    const out: Record<string, SqlValue>[] = [];
    while (stmt.step()) out.push(stmt.getAsObject());
    return out;
  } finally {
    stmt.free();
  }
}

/** The WKB inside a GeoPackage geometry blob (header: "GP", version, flags, srs_id, envelope). */
export function gpkgBlobToWkb(blob: Uint8Array, row: number): Uint8Array {
  if (blob.length < 8 || blob[0] !== 0x47 || blob[1] !== 0x50) {
    throw new CellIoError("invalid_wkb", "geometry is not a GeoPackage geometry blob (no GP header)", {
      row,
    });
  }
  const flags = blob[3]!;
  const envelopeBytes = [0, 32, 48, 48, 64][(flags >> 1) & 0x07];
  if (envelopeBytes === undefined)
    throw new CellIoError("invalid_wkb", "geometry blob has an unknown envelope type", { row });
  return blob.subarray(8 + envelopeBytes);
}

function wkbToGpkgBlob(geometry: MultiPolygonGeometry, srsId: number): Uint8Array {
  const wkb = encodeMultiPolygonWkb(geometry);
  const [minX, minY, maxX, maxY] = extentOf(geometry.coordinates.flat(2)) ?? [0, 0, 0, 0];
  const blob = new Uint8Array(8 + 32 + wkb.length);
  const view = new DataView(blob.buffer);
  blob.set([0x47, 0x50, 0, 0b0000_0011]); // little-endian, xy envelope
  view.setInt32(4, srsId, true);
  const envelope = [minX, maxX, minY, maxY];
  for (const [i, v] of envelope.entries()) view.setFloat64(8 + i * 8, v, true);
  blob.set(wkb, 40);
  return blob;
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

export async function readGeoPackage(
  bytes: Uint8Array,
  opts: {
    crs?: CrsId | undefined;
    maxFeatures: number;
    onProgress?: ((p: ReadProgress) => void) | undefined;
  },
): Promise<{ cells: CellRecord[]; crs: CrsId }> {
  const db = openDatabase(await loadSqlite(), bytes);
  try {
    let layers: Record<string, SqlValue>[];
    try {
      layers = rows(
        db,
        `SELECT c.table_name, g.column_name, g.srs_id, s.organization, s.organization_coordsys_id
           FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
           LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id
          WHERE c.data_type = 'features' ORDER BY c.table_name`,
      );
    } catch (cause) {
      throw new CellIoError(
        "geopackage_invalid",
        `The file is SQLite but not a GeoPackage (${(cause as Error).message}).`,
        undefined,
        { cause },
      );
    }
    const layer = layers[0];
    if (!layer) throw new CellIoError("geopackage_no_feature_table", "The GeoPackage has no feature table.");
    const table = String(layer.table_name);
    const geomColumn = String(layer.column_name);
    let crs = opts.crs;
    if (!crs) {
      const epsg =
        String(layer.organization ?? "").toUpperCase() === "EPSG"
          ? Number(layer.organization_coordsys_id)
          : Number(layer.srs_id);
      crs = crsFromEpsg(epsg) ?? undefined;
      if (!crs)
        throw new CellIoError(
          "unsupported_crs",
          `Layer ${table} uses srs ${layer.srs_id} (${layer.organization}:${layer.organization_coordsys_id}); use EPSG:4326, 4490 or 3857.`,
        );
    }
    const [{ n }] = rows(db, `SELECT count(*) AS n FROM ${quoteIdent(table)}`) as [{ n: number }];
    if (n > opts.maxFeatures)
      throw new CellIoError(
        "too_many_features",
        `Layer ${table} has ${n} features; the limit is ${opts.maxFeatures}.`,
      );
    const stmt = db.prepare(`SELECT * FROM ${quoteIdent(table)}`);
    const cells: CellRecord[] = [];
    try {
      for (let row = 1; stmt.step(); row++) {
        const record = stmt.getAsObject();
        const blob = record[geomColumn];
        delete record[geomColumn];
        if (!(blob instanceof Uint8Array)) {
          throw new CellIoError(
            "invalid_geometry_type",
            "has no geometry; a cell needs a Polygon or MultiPolygon",
            { row },
          );
        }
        const geometry = decodeWkb(gpkgBlobToWkb(blob, row), { row });
        cells.push(toCellRecord(record, geometry, row, crs));
        if (row % 1000 === 0) opts.onProgress?.({ phase: "reading", done: row, total: n });
      }
    } finally {
      stmt.free();
    }
    return { cells, crs };
  } finally {
    db.close();
  }
}

const SRS_ROWS: Record<number, [string, string]> = {
  4326: [
    "WGS 84",
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4326"]]',
  ],
  4490: [
    "China Geodetic Coordinate System 2000",
    'GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4490"]]',
  ],
  3857: [
    "WGS 84 / Pseudo-Mercator",
    'PROJCS["WGS 84 / Pseudo-Mercator",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Mercator_1SP"],PARAMETER["central_meridian",0],PARAMETER["scale_factor",1],PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["metre",1],AUTHORITY["EPSG","3857"]]',
  ],
};

/** A GeoPackage with one feature table `cells` (MULTIPOLYGON) in the given CRS. */
export async function writeGeoPackage(
  cells: readonly CellRecord[],
  crs: CrsId,
  table = "cells",
): Promise<Uint8Array> {
  const SQL = await loadSqlite();
  const db = new SQL.Database();
  try {
    const srsId = epsgOf(crs);
    const [srsName, definition] = SRS_ROWS[srsId]!;
    db.exec(`
      PRAGMA application_id = 1196444487;
      PRAGMA user_version = 10300;
      CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
        organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
      INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', NULL),
        ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', NULL);
      CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
        description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER REFERENCES gpkg_spatial_ref_sys (srs_id));
      CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
        srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, PRIMARY KEY (table_name, column_name));
      CREATE TABLE ${quoteIdent(table)} (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom MULTIPOLYGON NOT NULL,
        code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, name_en TEXT, level TEXT, parent_code TEXT);`);
    db.run("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, 'EPSG', ?, ?, NULL)", [
      srsName,
      srsId,
      srsId,
      definition,
    ]);
    const projected = cells.map((c) => geometryFromWgs84(c.geometry, crs));
    const extent = extentOf(projected.flatMap((g) => g.coordinates.flat(2))) ?? [null, null, null, null];
    db.run(
      "INSERT INTO gpkg_contents (table_name, data_type, identifier, min_x, min_y, max_x, max_y, srs_id) VALUES (?, 'features', ?, ?, ?, ?, ?, ?)",
      [table, table, ...(extent as (number | null)[]), srsId],
    );
    db.run("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'MULTIPOLYGON', ?, 0, 0)", [table, srsId]);
    const insert = db.prepare(
      `INSERT INTO ${quoteIdent(table)} (geom, code, name, name_en, level, parent_code) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    db.exec("BEGIN");
    cells.forEach((c, i) => {
      insert.run([wkbToGpkgBlob(projected[i]!, srsId), c.code, c.name, c.name_en, c.level, c.parent_code]);
    });
    db.exec("COMMIT");
    insert.free();
    return db.export();
  } finally {
    db.close();
  }
}
