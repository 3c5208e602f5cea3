import { readFile } from "node:fs/promises";
import path from "node:path";
import type { z } from "zod";
import {
  cameraCollectionSchema,
  cellCollectionSchema,
  checkpointCollectionSchema,
  DEMO_DISTRICT_FILES,
  type DemoDistrict,
  roadCollectionSchema,
} from "./demo-district.schemas.js";
import { findPackageRoot } from "./package-root.js";

export * from "./cell-codes.js";
export * from "./demo-district.schemas.js";

/** Absolute path of the installed @gridops/gis-data package. */
export const gisDataPackageRoot: string = findPackageRoot();

/** Absolute path of the folder holding the committed demo district GeoJSON files. */
export const demoDistrictDir: string = path.join(gisDataPackageRoot, "demo-district");

/** Absolute path of the offline MapLibre style (see README: its GeoJSON URLs are placeholders). */
export const offlineStylePath: string = path.join(gisDataPackageRoot, "style", "offline-style.json");

export type DemoDistrictLoadErrorCode = "file_unreadable" | "invalid_json" | "invalid_content";

/** A demo district file that cannot be read, is not JSON, or does not match its schema. */
export class DemoDistrictLoadError extends Error {
  override readonly name = "DemoDistrictLoadError";

  constructor(
    readonly code: DemoDistrictLoadErrorCode,
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Reads and validates the four demo district files (from `dir`, by default the committed ones). */
export async function loadDemoDistrict(dir: string = demoDistrictDir): Promise<DemoDistrict> {
  const [cells, roads, checkpoints, cameras] = await Promise.all([
    loadCollection(path.join(dir, DEMO_DISTRICT_FILES.cells), cellCollectionSchema),
    loadCollection(path.join(dir, DEMO_DISTRICT_FILES.roads), roadCollectionSchema),
    loadCollection(path.join(dir, DEMO_DISTRICT_FILES.checkpoints), checkpointCollectionSchema),
    loadCollection(path.join(dir, DEMO_DISTRICT_FILES.cameras), cameraCollectionSchema),
  ]);
  return { cells, roads, checkpoints, cameras };
}

async function loadCollection<S extends z.ZodType>(file: string, schema: S): Promise<z.infer<S>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new DemoDistrictLoadError("file_unreadable", file, `cannot read ${file}`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new DemoDistrictLoadError("invalid_json", file, `${file} is not valid JSON`, { cause });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first ? `${first.path.join(".")}: ${first.message}` : "unknown issue";
    throw new DemoDistrictLoadError("invalid_content", file, `${file} does not match its schema (${where})`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}
