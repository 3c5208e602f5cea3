import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  buildDemoDistrict,
  DEMO_DISTRICT_SEED,
  renderDemoDistrictFiles,
} from "./generator/build-demo-district.js";
import { demoDistrictDir } from "./index.js";

/** `npm run generate -w @gridops/gis-data [-- --seed <seed>] [--out <dir>]` rewrites the
 * committed demo district. The default seed reproduces the committed files exactly. */
async function main(argv: readonly string[]): Promise<void> {
  const seed = optionValue(argv, "--seed") ?? DEMO_DISTRICT_SEED;
  const outDir = path.resolve(optionValue(argv, "--out") ?? demoDistrictDir);
  const files = renderDemoDistrictFiles(buildDemoDistrict(seed));
  await mkdir(outDir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    await writeFile(path.join(outDir, name), content, "utf8");
    const count = content.split("\n").length - 3;
    console.log(`${path.join(outDir, name)}: ${count} features`);
  }
}

function optionValue(argv: readonly string[], option: string): string | undefined {
  const index = argv.indexOf(option);
  if (index < 0) return undefined;
  const value = argv[index + 1];
  if (value === undefined || value.startsWith("--")) throw new Error(`${option} needs a value`);
  return value;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
