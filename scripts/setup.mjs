#!/usr/bin/env node
// Setup shared by `npm run demo` and `npm test`: system packages, then npm packages.
// Plain JavaScript with no dependencies, because it runs before `npm ci`.
// Idempotent and quick when everything is present.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const forTests = process.argv.includes("--for-tests");

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  fail(`Node.js ${process.versions.node} is too old: GridOps needs Node.js 20.19 or newer.`);
}

// Debian packages: PostgreSQL 15 + PostGIS 3 for the embedded database, ffmpeg for stream
// checks, chromium for browser tests, a CJK font so Chromium can render Chinese UI text,
// gdal-bin so a real OGC API client (GDAL's OAPIF driver) reads our collections in tests.
const packages = ["postgresql-15", "postgresql-15-postgis-3", "ffmpeg"];
if (forTests) packages.push("chromium", "fonts-noto-cjk", "gdal-bin");
const missing = packages.filter((p) => !isInstalled(p));
if (missing.length) installSystemPackages(missing);

installNpmPackagesIfStale();
console.log("setup: ready");

function isInstalled(pkg) {
  const res = spawnSync("dpkg-query", ["-W", "-f=${Status}", pkg], { encoding: "utf8" });
  return res.status === 0 && res.stdout.includes("install ok installed");
}

function installSystemPackages(list) {
  const line = `apt-get install -y --no-install-recommends ${list.join(" ")}`;
  if (process.getuid?.() !== 0) {
    fail(`Missing system packages: ${list.join(", ")}.\nInstall them with:\n  sudo apt-get update && sudo ${line}`);
  }
  console.log(`setup: installing ${list.join(", ")} with apt-get (this happens once)`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  run("apt-get", ["update", "-qq"], env);
  run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...list], env);
}

function installNpmPackagesIfStale() {
  const lock = path.join(root, "package-lock.json");
  const stamp = path.join(root, "node_modules", ".gridops-lock-hash");
  const hash = createHash("sha256").update(readFileSync(lock)).digest("hex");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === hash) return;
  // `npm install` honours the lock file exactly like `npm ci` here; `npm ci` itself rejects the
  // lock file this registry produces (other platforms' optional binaries are absent from it,
  // see docs/decisions/0008-npm-install-not-ci.md).
  console.log("setup: installing npm packages (npm install from package-lock.json)");
  run("npm", ["install", "--no-audit", "--no-fund"], process.env, root);
  writeFileSync(stamp, hash);
}

function run(cmd, args, env, cwd = root) {
  try {
    execFileSync(cmd, args, { stdio: "inherit", env, cwd });
  } catch {
    fail(`"${cmd} ${args.join(" ")}" failed; see the output above.`);
  }
}

function fail(message) {
  console.error(`setup: ${message}`);
  process.exit(1);
}
