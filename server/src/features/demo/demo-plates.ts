import {
  type FeedDevice,
  type FeedFormat,
  type PlateFeed,
  startPlateFeedSimulator,
} from "@gridops/camera-adapters/sim/index";
import type { AppDeps } from "../../app-deps.js";
import type { Pool } from "../../db/pool.js";
import { createApiToken, systemAuthFor } from "../auth/auth.service.js";

/**
 * The demo's plate cameras: every checkpoint lane camera pushes simulated reads through the
 * real ingest endpoint (with a device token, as a vendor camera would), and a small demo
 * hotlist makes a hit now and then so the command centre's feed is alive.
 */
const FORMATS: FeedFormat[] = ["generic", "hikvision-isapi", "chinese-parking"];
const DEMO_TOKEN_NAME = "demo-plate-feed";
export const DEMO_HOTLIST_PLATES = ["浙A7K3M9", "浙AD12345", "苏E88Q61", "浙B5N2X7"];

/** Registers lane cameras as plate devices and seeds the demo hotlist; idempotent. */
export async function ensureDemoPlateSetup(pool: Pool): Promise<FeedDevice[]> {
  const { rows: cameras } = await pool.query<{ id: string; lane: number }>(
    "SELECT id, lane FROM cameras WHERE checkpoint_id IS NOT NULL AND lane IS NOT NULL ORDER BY id",
  );
  await pool.query(
    `INSERT INTO plate_devices (device_key, camera_id, lane, note)
     SELECT lower(id), id, lane, 'demo plate camera' FROM unnest($1::text[], $2::smallint[]) AS c(id, lane)
     ON CONFLICT DO NOTHING`,
    [cameras.map((c) => c.id), cameras.map((c) => c.lane)],
  );
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO hotlists (name, description, created_by_actor) VALUES ('演示布控 Demo hotlist', 'Demo data only', 'system:demo')
     ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id`,
  );
  await pool.query(
    `INSERT INTO hotlist_entries (hotlist_id, plate_text, match_level, reason_code, case_reference, priority, expires_at, created_by_actor)
     SELECT $1, p, 'confusable', 'stolen_vehicle', 'DEMO-2026-001', 'high', now() + interval '30 days', 'system:demo'
       FROM unnest($2::text[]) AS p
      WHERE NOT EXISTS (SELECT 1 FROM hotlist_entries e WHERE e.hotlist_id = $1 AND e.plate_text = p AND e.removed_at IS NULL)`,
    [rows[0]!.id, DEMO_HOTLIST_PLATES],
  );
  return cameras.map((c, i) => ({ deviceId: c.id, lane: c.lane, format: FORMATS[i % FORMATS.length]! }));
}

/** A fresh device token for this run (earlier demo tokens are revoked: their secrets are gone). */
async function demoIngestToken(deps: AppDeps): Promise<string> {
  await deps.pool.query("UPDATE api_tokens SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL", [
    DEMO_TOKEN_NAME,
  ]);
  const actor = await systemAuthFor(deps.pool, "system:demo");
  const cellCodes = actor.cellCodes;
  const created = await createApiToken(
    deps.pool,
    actor,
    { name: DEMO_TOKEN_NAME, permissions: ["plates:ingest"], cellCodes, cameraIds: null, expiresAt: null },
    { ip: null, userAgent: null, requestId: null },
  );
  return created.token;
}

export async function startDemoPlateFeed(
  deps: AppDeps,
  baseUrl: string,
  ratePerSecond = 3,
): Promise<PlateFeed> {
  const devices = await ensureDemoPlateSetup(deps.pool);
  return startPlateFeedSimulator({
    baseUrl,
    token: await demoIngestToken(deps),
    devices,
    ratePerSecond,
    seed: Date.now() % 100_000,
    watchPlates: { plates: DEMO_HOTLIST_PLATES, probability: 0.01 },
  });
}
