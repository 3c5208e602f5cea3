/**
 * Vector tiles and OGC items over HTTP against a warm database (the demo district, an
 * in-process server, a district-wide API token). Each figure is the median of repeated
 * requests after warm-up; each baseline returns the same features as GeoJSON in the same run:
 *   - z12 cells tile vs GeoJSON of the cells it draws (district, street and community levels
 *     in the buffered tile's bounds, through /ogc items with bbox + level);
 *   - z15 camera tile vs GeoJSON of the cameras in the buffered tile's bounds;
 *   - an OGC items page of 1,000 features vs the same page from the plain GeoJSON API;
 *   - a revalidated tile (If-None-Match → 304) vs rendering it.
 *
 * Environment: GRIDOPS_BENCH_TILES_RUNS [40] measured requests per figure.
 */
import { randomBytes } from "node:crypto";
import { loadConfig } from "../server/src/config.js";
import { createApiToken, systemAuthFor } from "../server/src/features/auth/auth.service.js";
import { keyringOf } from "../server/src/features/secrets/keyring.js";
import { createLogger } from "../server/src/logger.js";
import { depsOf, type RunningServer, startHttpServer } from "../server/src/runtime.js";
import type { BenchResult } from "./support/bench-types.js";
import { type BenchDatabase, startBenchDatabase } from "./support/database.js";

const runs = Number(process.env.GRIDOPS_BENCH_TILES_RUNS ?? 40);
const WARMUP = 5;
const MARGIN = 64 / 4096;

interface Timed {
  ms: number;
  bytes: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function timedGet(url: string, headers: Record<string, string>): Promise<Timed> {
  const started = performance.now();
  const res = await fetch(url, { headers });
  const body = await res.arrayBuffer();
  const ms = performance.now() - started;
  if (res.status !== 200 && res.status !== 304)
    throw new Error(`GET ${url} → ${res.status}: ${new TextDecoder().decode(body).slice(0, 200)}`);
  return { ms, bytes: body.byteLength };
}

/** Median latency (ms) and size of `requests` fetched one after another, after warm-up. */
async function measure(urls: string[], headers: Record<string, string>): Promise<Timed> {
  const once = async () => {
    let ms = 0;
    let bytes = 0;
    for (const url of urls) {
      const t = await timedGet(url, headers);
      ms += t.ms;
      bytes += t.bytes;
    }
    return { ms, bytes };
  };
  for (let i = 0; i < WARMUP; i++) await once();
  const samples: Timed[] = [];
  for (let i = 0; i < runs; i++) samples.push(await once());
  return { ms: median(samples.map((s) => s.ms)), bytes: samples[0]!.bytes };
}

function tileOf(lon: number, lat: number, z: number): { x: number; y: number } {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  return {
    x: Math.floor(((lon + 180) / 360) * n),
    y: Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n),
  };
}

/** The buffered tile's bounds in lon/lat, from PostGIS (the same envelope the tile query uses). */
async function tileBounds(db: BenchDatabase, z: number, x: number, y: number): Promise<number[]> {
  const { rows } = await db.pool.query<{ b: number[] }>(
    `SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)] AS b
       FROM (SELECT ST_Transform(ST_TileEnvelope($1, $2, $3, margin => $4::float8), 4326) AS e) s`,
    [z, x, y, MARGIN],
  );
  return rows[0]!.b;
}

async function busiestCameraTile(
  db: BenchDatabase,
  z: number,
): Promise<{ x: number; y: number; cameras: number }> {
  const { rows } = await db.pool.query<{ lon: number; lat: number }>(
    "SELECT ST_X(geom) lon, ST_Y(geom) lat FROM cameras",
  );
  const counts = new Map<string, number>();
  for (const r of rows) {
    const t = tileOf(r.lon, r.lat, z);
    const key = `${t.x}/${t.y}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const [key, cameras] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
  const [x, y] = key.split("/").map(Number) as [number, number];
  return { x, y, cameras };
}

export async function run(): Promise<BenchResult[]> {
  const db = await startBenchDatabase({ demo: true });
  let server: RunningServer | null = null;
  try {
    const config = loadConfig({
      NODE_ENV: "production",
      PORT: "0",
      HOST: "127.0.0.1",
      DATABASE_URL: db.connectionString,
      GRIDOPS_LOG_LEVEL: "silent",
    });
    server = await startHttpServer(
      depsOf(config, db.pool, createLogger("silent"), keyringOf([randomBytes(32)])),
    );
    const { rows: district } = await db.pool.query<{ code: string; lon: number; lat: number }>(
      "SELECT code, ST_X(ST_Centroid(geom)) lon, ST_Y(ST_Centroid(geom)) lat FROM cells WHERE level = 'district'",
    );
    const d = district[0]!;
    const { token } = await createApiToken(
      db.pool,
      await systemAuthFor(db.pool, "bench"),
      {
        name: "bench tiles",
        permissions: ["cells:read", "cameras:read", "checkpoints:read"],
        cellCodes: [d.code],
        cameraIds: null,
        expiresAt: null,
      },
      { ip: null, userAgent: null, requestId: null },
    );
    const auth = { authorization: `Bearer ${token}` };
    const base = server.url;
    const results: BenchResult[] = [];

    const cellsTile = tileOf(d.lon, d.lat, 12);
    const cellsBbox = (await tileBounds(db, 12, cellsTile.x, cellsTile.y)).join(",");
    const mvtCells = await measure([`${base}/tiles/cells/12/${cellsTile.x}/${cellsTile.y}.mvt`], auth);
    const geoCells = await measure(
      ["district", "street", "community"].map(
        (level) => `${base}/ogc/collections/cells/items?limit=10000&level=${level}&bbox=${cellsBbox}`,
      ),
      auth,
    );
    results.push({
      name: "z12 cells tile (district centre)",
      value: mvtCells.ms,
      unit: "ms",
      baseline: { name: "same cells as GeoJSON (OGC items, 3 levels)", value: geoCells.ms },
      ratio: mvtCells.ms / geoCells.ms,
      note: `${mvtCells.bytes} B MVT vs ${geoCells.bytes} B GeoJSON`,
    });

    const cam = await busiestCameraTile(db, 15);
    const camBbox = (await tileBounds(db, 15, cam.x, cam.y)).join(",");
    const mvtCams = await measure([`${base}/tiles/cameras/15/${cam.x}/${cam.y}.mvt`], auth);
    const geoCams = await measure(
      [`${base}/ogc/collections/cameras/items?limit=10000&bbox=${camBbox}`],
      auth,
    );
    results.push({
      name: `z15 camera tile (busiest, ${cam.cameras} cameras)`,
      value: mvtCams.ms,
      unit: "ms",
      baseline: { name: "same cameras as GeoJSON (OGC items bbox)", value: geoCams.ms },
      ratio: mvtCams.ms / geoCams.ms,
      note: `${mvtCams.bytes} B MVT vs ${geoCams.bytes} B GeoJSON`,
    });

    const tileUrl = `${base}/tiles/cameras/15/${cam.x}/${cam.y}.mvt`;
    const etag = (await fetch(tileUrl, { headers: auth })).headers.get("etag") ?? "";
    const revalidated = await measure([tileUrl], { ...auth, "if-none-match": etag });
    results.push({
      name: "z15 camera tile revalidated (304)",
      value: revalidated.ms,
      unit: "ms",
      baseline: { name: "z15 camera tile rendered", value: mvtCams.ms },
      ratio: revalidated.ms / mvtCams.ms,
      note: "a 304 skips rendering; what remains is the request itself and resolving the API token",
    });

    const { rows: counts } = await db.pool.query<{ cameras: number; cells: number }>(
      "SELECT (SELECT count(*)::int FROM cameras) cameras, (SELECT count(*)::int FROM cells WHERE retired_at IS NULL) cells",
    );
    const collection = counts[0]!.cameras >= 1000 ? "cameras" : "cells";
    const ogcPage = await measure([`${base}/ogc/collections/${collection}/items?limit=1000`], auth);
    const plainPage = await measure([`${base}/api/v1/${collection}?limit=1000`], auth);
    results.push({
      name: `OGC items page of 1,000 ${collection}`,
      value: ogcPage.ms,
      unit: "ms",
      baseline: { name: `GET /api/v1/${collection}?limit=1000`, value: plainPage.ms },
      ratio: ogcPage.ms / plainPage.ms,
      note: `${ogcPage.bytes} B; numberMatched costs one count(*) of the filter`,
    });
    return results;
  } finally {
    await server?.close();
    await db.close();
  }
}
