import { CRS_IDS, type CrsId } from "./crs.js";
import { CellIoError } from "./errors.js";
import { readGeoJson, writeGeoJson } from "./geojson.js";
import type { CellRecord } from "./geometry.js";
import { readGeoPackage, writeGeoPackage } from "./geopackage.js";
import type { ReadProgress } from "./records.js";
import { readShapefileZip, writeShapefileZip } from "./shapefile.js";
import { DEFAULT_ZIP_LIMITS, type ZipLimits } from "./zip.js";

export * from "./crs.js";
export * from "./errors.js";
export * from "./geometry.js";
export type { ReadProgress } from "./records.js";
export * from "./wkb.js";
export { DEFAULT_ZIP_LIMITS, safeUnzip, type ZipLimits, zipFiles } from "./zip.js";

export const CELL_FILE_FORMATS = ["geojson", "shapefile", "geopackage"] as const;
export type CellFileFormat = (typeof CELL_FILE_FORMATS)[number];
export { CRS_IDS };

export interface ReadCellFileOptions {
  fileName?: string;
  format?: CellFileFormat;
  /**
   * The coordinate system of the coordinates, overriding what the file declares: needed for
   * GCJ-02 / BD-09 (files in them declare WGS 84) and for Shapefiles without a .prj.
   */
  crs?: CrsId;
  maxFileBytes?: number;
  maxFeatures?: number;
  zipLimits?: Partial<ZipLimits>;
  onProgress?: (p: ReadProgress) => void;
}

export interface ReadCellFileResult {
  format: CellFileFormat;
  crs: CrsId;
  cells: CellRecord[];
}

export const DEFAULT_MAX_FEATURES = 100_000;

/** Which format the bytes are: by magic number first, then by file name. */
export function sniffFormat(bytes: Uint8Array, fileName = ""): CellFileFormat {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 16));
  if (head.startsWith("PK\u0003\u0004")) return "shapefile";
  if (head.startsWith("SQLite format 3")) return "geopackage";
  const lower = fileName.toLowerCase();
  if (lower.endsWith(".gpkg")) return "geopackage";
  if (lower.endsWith(".zip")) return "shapefile";
  if (/^\s*[{[]/.test(head) || lower.endsWith(".geojson") || lower.endsWith(".json")) return "geojson";
  throw new CellIoError(
    "unknown_format",
    "The file is neither GeoJSON, a zipped Shapefile nor a GeoPackage.",
  );
}

/** Reads a cell file into WGS 84 cell records, refusing bad input with a CellIoError. */
export async function readCellFile(
  bytes: Uint8Array,
  opts: ReadCellFileOptions = {},
): Promise<ReadCellFileResult> {
  const maxFileBytes = opts.maxFileBytes ?? DEFAULT_ZIP_LIMITS.maxFileBytes;
  if (bytes.byteLength > maxFileBytes) {
    throw new CellIoError(
      "file_too_large",
      `The file is ${bytes.byteLength} bytes; the limit is ${maxFileBytes}.`,
    );
  }
  const format = opts.format ?? sniffFormat(bytes, opts.fileName);
  const common = {
    crs: opts.crs,
    maxFeatures: opts.maxFeatures ?? DEFAULT_MAX_FEATURES,
    onProgress: opts.onProgress,
  };
  const result =
    format === "geojson"
      ? readGeoJson(bytes, common)
      : format === "geopackage"
        ? await readGeoPackage(bytes, common)
        : await readShapefileZip(bytes, {
            ...common,
            limits: { ...DEFAULT_ZIP_LIMITS, maxFileBytes, ...opts.zipLimits },
          });
  return { format, ...result };
}

export interface WrittenCellFile {
  bytes: Uint8Array;
  contentType: string;
  extension: string;
}

/** Writes cells (WGS 84 records) as GeoJSON, a zipped Shapefile or a GeoPackage in `crs`. */
export async function writeCellFile(
  cells: readonly CellRecord[],
  format: CellFileFormat,
  crs: CrsId = "EPSG:4326",
): Promise<WrittenCellFile> {
  switch (format) {
    case "geojson":
      return { bytes: writeGeoJson(cells, crs), contentType: "application/geo+json", extension: "geojson" };
    case "shapefile":
      return { bytes: writeShapefileZip(cells, crs), contentType: "application/zip", extension: "zip" };
    case "geopackage":
      return {
        bytes: await writeGeoPackage(cells, crs),
        contentType: "application/geopackage+sqlite3",
        extension: "gpkg",
      };
  }
}
