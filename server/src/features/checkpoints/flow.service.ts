import type { Pool, PoolClient } from "../../db/pool.js";
import type { Logger } from "../../logger.js";
import { enqueueEvents } from "../../realtime/outbox.js";
import { createIncident } from "../incidents/incidents.service.js";
import * as sql from "./flow.sql.js";

export const FLOW_WINDOW_MINUTES = 5;

export interface FlowBucket {
  start: string;
  vehicles: number;
  lanes: { lane: number | null; vehicles: number }[];
}

/** Per-checkpoint and per-lane counts in 5/15/60-minute buckets. */
export async function checkpointFlow(
  pool: Pool,
  q: { checkpointId: string; from: Date; to: Date; bucketMinutes: 5 | 15 | 60 },
) {
  const rows = await sql.selectFlow(pool, q);
  const buckets = new Map<string, FlowBucket>();
  for (const row of rows) {
    const start = row.bucket.toISOString();
    const bucket = buckets.get(start) ?? { start, vehicles: 0, lanes: [] };
    bucket.vehicles += row.vehicles;
    bucket.lanes.push({ lane: row.lane, vehicles: row.vehicles });
    buckets.set(start, bucket);
  }
  return {
    checkpointId: q.checkpointId,
    bucketMinutes: q.bucketMinutes,
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    buckets: [...buckets.values()],
  };
}

const floorToWindow = (t: Date) =>
  new Date(Math.floor(t.getTime() / (FLOW_WINDOW_MINUTES * 60_000)) * FLOW_WINDOW_MINUTES * 60_000);

/**
 * Every 5 minutes: recount the last hour into 5-minute lane rollups and publish the window
 * that just closed as `checkpoint.flow` for each checkpoint with traffic in the last hour.
 */
export async function publishFlow(db: PoolClient, now: Date): Promise<number> {
  const windowEnd = floorToWindow(now);
  const windowStart = new Date(windowEnd.getTime() - FLOW_WINDOW_MINUTES * 60_000);
  await sql.rollUpFlow(db, new Date(windowEnd.getTime() - 3600_000), windowEnd);
  const flows = await sql.selectWindowFlow(db, windowStart);
  await enqueueEvents(
    db,
    flows.map((f) => ({
      topic: "checkpoint.flow" as const,
      cellCode: f.cell_code,
      roles: ["commander", "operator"],
      payload: {
        checkpointId: f.checkpoint_id,
        cellCode: f.cell_code,
        windowStart: windowStart.toISOString(),
        windowSeconds: FLOW_WINDOW_MINUTES * 60,
        vehicles: f.vehicles,
        lanes: f.lanes,
      },
    })),
  );
  return flows.length;
}

export interface SilenceSettings {
  min_silent_minutes: number;
  expected_vehicles: number;
  baseline_weeks: number;
  min_weeks: number;
}

/**
 * The "silent checkpoint" check: a lane that normally has traffic at this hour of the week
 * but has recorded nothing for long enough that, by its baseline, at least
 * `expected_vehicles` should have passed (P(0 | Poisson 6) ≈ 0.25 %) raises one alert and
 * one camera_fault incident; the alert clears when the lane sees traffic again.
 */
export async function checkSilentLanes(
  db: PoolClient,
  log: Logger,
  now: Date,
): Promise<{ raised: number; cleared: number }> {
  await sql.rollUpFlow(db, new Date(now.getTime() - 2 * 3600_000), now);
  const cleared = await sql.clearRecoveredAlerts(db, now);
  const settings = await silenceSettings(db);
  const silent = await sql.selectSilentLanes(db, {
    now,
    minSilentMinutes: settings.min_silent_minutes,
    expectedVehicles: settings.expected_vehicles,
    weeks: settings.baseline_weeks,
    minWeeks: settings.min_weeks,
  });
  let raised = 0;
  for (const lane of silent) {
    const alertId = await sql.insertSilenceAlert(db, {
      checkpointId: lane.checkpoint_id,
      lane: lane.lane,
      silentSince: lane.silent_since,
      expected: lane.expected,
      now,
    });
    if (alertId === null) continue;
    raised += 1;
    await db.query("SAVEPOINT silence_incident");
    try {
      const minutes = Math.round((now.getTime() - lane.silent_since.getTime()) / 60_000);
      const created = await createIncident(
        db,
        {
          category: "camera_fault",
          source: "camera_health",
          sourceRef: `silent:${lane.checkpoint_id}:${lane.lane}`,
          priority: "high",
          location: { lon: lane.lon, lat: lane.lat },
          description: `卡口 ${lane.checkpoint_id} 车道 ${lane.lane} 已 ${minutes} 分钟无过车记录（按历史同时段应有约 ${Math.round(lane.expected)} 辆）/ Checkpoint ${lane.checkpoint_id} lane ${lane.lane} has recorded no vehicle for ${minutes} min (about ${Math.round(lane.expected)} expected at this hour of the week)`,
          cameraId: lane.camera_id,
          reporter: { userId: null, actor: "system:checkpoint-silence" },
        },
        { clock: { now: () => now } },
      );
      await sql.setSilenceIncident(db, alertId, created.incident.id);
      await db.query("RELEASE SAVEPOINT silence_incident");
    } catch (error) {
      await db.query("ROLLBACK TO SAVEPOINT silence_incident");
      log.error(
        { err: error, checkpointId: lane.checkpoint_id, lane: lane.lane },
        "silent lane alert raised but its incident could not be opened",
      );
    }
  }
  if (raised || cleared) log.info({ raised, cleared }, "silent checkpoint check");
  return { raised, cleared };
}

async function silenceSettings(db: PoolClient): Promise<SilenceSettings> {
  const { rows } = await db.query<{ value: Partial<SilenceSettings> }>(
    "SELECT value FROM settings WHERE key = 'checkpoints.silence'",
  );
  return { min_silent_minutes: 20, expected_vehicles: 6, baseline_weeks: 4, min_weeks: 2, ...rows[0]?.value };
}
