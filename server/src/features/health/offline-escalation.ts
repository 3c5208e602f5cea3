import type { AppDeps } from "../../app-deps.js";
import type { Clock } from "../../jobs/clock.js";
import type { Logger } from "../../logger.js";
import { createIncident } from "../incidents/incidents.service.js";
import { openOfflineTicket } from "../tickets/tickets.service.js";
import * as sql from "./health.sql.js";

export type OfflineEscalation = "incident" | "ticket";

export interface EscalationOptions {
  clock: Clock;
  /** A camera offline this long (and not in maintenance) is escalated once per outage. */
  offlineMinutes: number;
  mode: OfflineEscalation;
  batchSize?: number;
}

export interface EscalationReport {
  incidents: number;
  tickets: number;
  failed: { cameraId: string; reason: string }[];
}

/**
 * Opens a camera_fault incident in the camera's cell (incidents service) — or, configured so,
 * a repair ticket — for every camera offline longer than the threshold. Each camera is handled
 * in a savepoint: one that cannot be escalated (e.g. outside the district) does not block the rest.
 */
export async function escalateOfflineCameras(
  deps: { withTransaction: AppDeps["withTransaction"]; log: Logger },
  opts: EscalationOptions,
): Promise<EscalationReport> {
  const now = opts.clock.now();
  const before = new Date(now.getTime() - opts.offlineMinutes * 60_000);
  const report: EscalationReport = { incidents: 0, tickets: 0, failed: [] };
  await deps.withTransaction(async (db) => {
    const cameras = await sql.selectOfflineToEscalate(db, before, opts.batchSize ?? 500);
    const done: string[] = [];
    for (const camera of cameras) {
      await db.query("SAVEPOINT escalate_camera");
      try {
        const kind = await escalateOne(db, camera, opts, now);
        if (kind === "incident") report.incidents += 1;
        else if (kind === "ticket") report.tickets += 1;
        await db.query("RELEASE SAVEPOINT escalate_camera");
      } catch (error) {
        await db.query("ROLLBACK TO SAVEPOINT escalate_camera");
        report.failed.push({ cameraId: camera.camera_id, reason: (error as Error).message });
        deps.log.warn(
          { cameraId: camera.camera_id, err: (error as Error).message },
          "could not escalate offline camera",
        );
      }
      // Marked even when it failed: retrying every minute would only repeat the same error.
      done.push(camera.camera_id);
    }
    await sql.markEscalated(db, done, now);
  });
  return report;
}

async function escalateOne(
  db: Parameters<typeof sql.markEscalated>[0],
  camera: sql.OfflineCamera,
  opts: EscalationOptions,
  now: Date,
): Promise<OfflineEscalation | null> {
  const minutes = Math.round((now.getTime() - camera.since.getTime()) / 60_000);
  if (opts.mode === "incident") {
    const created = await createIncident(
      db,
      {
        category: "camera_fault",
        source: "camera_health",
        sourceRef: camera.camera_id,
        priority: "normal",
        location: { lon: camera.lon, lat: camera.lat },
        description: `摄像机 ${camera.name} (${camera.camera_id}) 已离线 ${minutes} 分钟。Camera ${camera.name} (${camera.camera_id}) has been offline for ${minutes} minutes.`,
        cameraId: camera.camera_id,
        reporter: { userId: null, actor: "system:camera-health" },
      },
      { clock: opts.clock },
    );
    await sql.insertCameraEventRows(db, [
      {
        camera_id: camera.camera_id,
        at: now.toISOString(),
        kind: "incident_opened",
        from_state: null,
        to_state: null,
        reasons: ["unreachable"],
        actor: "system:camera-health",
        details: { incidentId: created.incident.id, existing: created.existing },
      },
    ]);
    return "incident";
  }
  const ticketId = await openOfflineTicket(
    db,
    { id: camera.camera_id, name: camera.name, since: camera.since },
    now,
  );
  if (ticketId === null) return null;
  await sql.insertCameraEventRows(db, [
    {
      camera_id: camera.camera_id,
      at: now.toISOString(),
      kind: "ticket_opened",
      from_state: null,
      to_state: null,
      reasons: ["unreachable"],
      actor: "system:camera-health",
      details: { ticketId },
    },
  ]);
  return "ticket";
}
