#!/usr/bin/env node
// The whole suite: build (type-check + web bundle), lint, then every test file, ending
// with one plain "N passed, N failed" line.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const noBuild = args.includes("--no-build");
const vitestArgs = args.filter((a) => a !== "--no-build");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const step = (title, cmd, cmdArgs) => {
  console.log(`\n== ${title}`);
  return spawnSync(cmd, cmdArgs, { stdio: "inherit", cwd: root }).status ?? 1;
};

let extraFailed = 0;
if (!noBuild) {
  if (step("build: type-check and bundle", "npm", ["run", "build"]) !== 0) extraFailed += 1;
  if (step("type-check tests", bin("tsc"), ["-p", "tsconfig.tests.json"]) !== 0) extraFailed += 1;
  if (step("type-check browser tests", bin("tsc"), ["-p", "tsconfig.e2e.json"]) !== 0) extraFailed += 1;
  if (step("lint (biome)", bin("biome"), ["lint", "--diagnostic-level=error", "."]) !== 0) extraFailed += 1;
}

const outDir = mkdtempSync(path.join(os.tmpdir(), "gridops-results-"));
const report = path.join(outDir, "vitest.json");
const status = step("tests (vitest)", bin("vitest"), [
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${report}`,
  ...vitestArgs,
]);

let passed = 0;
let failed = 0;
try {
  const json = JSON.parse(readFileSync(report, "utf8"));
  passed = json.numPassedTests;
  // A file that failed to load has no failed test in it; count each such file once.
  const brokenFiles = (json.testResults ?? []).filter(
    (file) => file.status === "failed" && !(file.assertionResults ?? []).some((a) => a.status === "failed"),
  ).length;
  failed = json.numFailedTests + brokenFiles;
} catch {
  failed += 1;
}
rmSync(outDir, { recursive: true, force: true });
failed += extraFailed;
if (extraFailed) console.log(`\n${extraFailed} build/lint step(s) failed (counted as failures below).`);
console.log(`\nTotal: ${passed} passed, ${failed} failed`);
process.exit(status !== 0 || failed > 0 || passed === 0 ? 1 : 0);
