import { loadDemoDistrict } from "@gridops/gis-data";
import type { Pool } from "../../db/pool.js";
import { withTransaction } from "../../db/pool.js";
import type { Logger } from "../../logger.js";
import { createUser } from "../auth/auth.service.js";
import { selectUserByUsername } from "../auth/auth.sql.js";
import type { Role } from "../auth/permissions.js";
import * as sql from "./demo-data.sql.js";

const LEVELS = ["district", "street", "community", "grid"] as const;

export interface DemoLoadReport {
  cellsChanged: number;
  checkpointsChanged: number;
  camerasChanged: number;
}

/** Loads the committed demo district; running it again changes nothing. */
export async function loadDemoData(pool: Pool, log?: Logger): Promise<DemoLoadReport> {
  const district = await loadDemoDistrict();
  return withTransaction(pool, async (db) => {
    let cellsChanged = 0;
    for (const level of LEVELS) {
      const features = district.cells.features.filter((f) => f.properties.level === level);
      cellsChanged += await sql.upsertCellsOfLevel(db, level, features);
      log?.info({ level, cells: features.length }, "demo cells loaded");
    }
    const checkpointsChanged = await sql.upsertCheckpoints(db, district.checkpoints.features);
    // Cameras reference checkpoints; lanes reference cameras: this order satisfies both.
    const camerasChanged = await sql.upsertCameras(db, district.cameras.features);
    await sql.upsertLanes(
      db,
      district.checkpoints.features.flatMap((f) =>
        f.properties.lanes.map((l) => ({
          checkpointId: f.properties.id,
          lane: l.number,
          direction: l.direction,
          cameraId: l.camera_id,
        })),
      ),
    );
    log?.info({ cellsChanged, checkpointsChanged, camerasChanged }, "demo district loaded");
    return { cellsChanged, checkpointsChanged, camerasChanged };
  });
}

export interface DemoUser {
  username: string;
  displayName: string;
  roles: Role[];
  cellCodes: string[];
}

/** Demo accounts: district-wide roles on the district cell, grid leaders on one grid each. */
export async function demoUsers(): Promise<DemoUser[]> {
  const district = await loadDemoDistrict();
  const root = district.cells.features.find((f) => f.properties.level === "district")!.properties.code;
  const grids = district.cells.features.filter((f) => f.properties.level === "grid").map((f) => f.properties);
  const wide = (username: string, displayName: string, role: Role): DemoUser => ({
    username,
    displayName,
    roles: [role],
    cellCodes: [root],
  });
  return [
    wide("admin", "系统管理员 Admin", "admin"),
    wide("commander", "指挥长 Commander", "commander"),
    wide("operator", "值班员 Operator", "operator"),
    wide("tech1", "运维技术员 Technician", "technician"),
    wide("analyst1", "车辆研判员 Plate analyst", "plate_analyst"),
    wide("viewer", "访客 Viewer", "viewer"),
    ...grids.slice(0, 3).map((g, i) => ({
      username: `leader${i + 1}`,
      displayName: `网格长${i + 1} ${g.name}`,
      roles: ["grid_leader" as Role],
      cellCodes: [g.code],
    })),
    { username: "worker1", displayName: "网格员1", roles: ["grid_worker"], cellCodes: [grids[0]!.code] },
  ];
}

/** Creates the demo users that don't exist yet (never resets a changed password). */
export async function seedDemoUsers(pool: Pool, password: string): Promise<DemoUser[]> {
  const users = await demoUsers();
  for (const user of users) {
    await withTransaction(pool, async (db) => {
      if (await selectUserByUsername(db, user.username)) return;
      await createUser(db, { userId: null, actor: "system:demo" }, { ...user, password });
    });
  }
  return users;
}
