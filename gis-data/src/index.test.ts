import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_DISTRICT_FILES } from "./demo-district.schemas.js";
import {
  DemoDistrictLoadError,
  demoDistrictDir,
  gisDataPackageRoot,
  loadDemoDistrict,
  offlineStylePath,
} from "./index.js";
import { findPackageRoot } from "./package-root.js";

describe("package paths", () => {
  it("resolve from the package root, whatever folder the module runs from", async () => {
    expect(path.isAbsolute(demoDistrictDir)).toBe(true);
    expect(demoDistrictDir).toBe(path.join(gisDataPackageRoot, "demo-district"));
    expect(findPackageRoot(path.join(gisDataPackageRoot, "dist", "nested"))).toBe(gisDataPackageRoot);
    const manifest = JSON.parse(await readFile(path.join(gisDataPackageRoot, "package.json"), "utf8"));
    expect(manifest.name).toBe("@gridops/gis-data");
    expect(JSON.parse(await readFile(offlineStylePath, "utf8")).version).toBe(8);
  });

  it("fails clearly outside the package", () => {
    expect(() => findPackageRoot(os.tmpdir())).toThrow(/@gridops\/gis-data/);
  });
});

describe("loadDemoDistrict", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "gis-data-"));
    for (const name of Object.values(DEMO_DISTRICT_FILES)) {
      await writeFile(path.join(dir, name), await readFile(path.join(demoDistrictDir, name)));
    }
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const expectLoadError = async (code: string, file: string) => {
    const error = await loadDemoDistrict(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DemoDistrictLoadError);
    expect((error as DemoDistrictLoadError).code).toBe(code);
    expect((error as DemoDistrictLoadError).file).toBe(path.join(dir, file));
    return error as DemoDistrictLoadError;
  };

  it("loads a copy of the committed files", async () => {
    const district = await loadDemoDistrict(dir);
    expect(district.cells.features[0]!.properties.level).toBe("district");
    expect(district.cameras.features[0]!.id).toBe("CAM-0001");
  });

  it("reports a missing file", async () => {
    await rm(path.join(dir, "roads.geojson"));
    await expectLoadError("file_unreadable", "roads.geojson");
  });

  it("reports a file that is not JSON", async () => {
    await writeFile(path.join(dir, "cameras.geojson"), "{not json");
    await expectLoadError("invalid_json", "cameras.geojson");
  });

  it("reports a cell whose parent breaks the code scheme, naming the field", async () => {
    const file = path.join(dir, "cells.geojson");
    const text = await readFile(file, "utf8");
    await writeFile(file, text.replace('"parent_code":"330199001000000"', '"parent_code":"330199002000000"'));
    const error = await expectLoadError("invalid_content", "cells.geojson");
    expect(error.message).toMatch(/parent_code/);
  });

  it("reports a camera with an unknown vendor", async () => {
    const file = path.join(dir, "cameras.geojson");
    const text = await readFile(file, "utf8");
    await writeFile(file, text.replace('"vendor":"dahua"', '"vendor":"acme"'));
    await expectLoadError("invalid_content", "cameras.geojson");
  });

  it("reports a checkpoint lane without a camera", async () => {
    const file = path.join(dir, "checkpoints.geojson");
    const text = await readFile(file, "utf8");
    await writeFile(file, text.replace(/"camera_id":"CAM-\d+"/, '"camera_id":null'));
    await expectLoadError("invalid_content", "checkpoints.geojson");
  });
});
