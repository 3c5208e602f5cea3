import type { Pool } from "../../server/src/db/pool.js";
import { createUser } from "../../server/src/features/auth/auth.service.js";
import type { Role } from "../../server/src/features/auth/permissions.js";
import {
  insertSyntheticDistrict,
  type SyntheticCell,
  syntheticDistrict,
} from "../../server/src/features/cell-lookup/synthetic-district.js";
import { upsertCameras, upsertCheckpoints } from "../../server/src/features/demo/demo-data.sql.js";

/**
 * A district large enough for the command map to draw its cells and cameras from vector tiles
 * (thresholds in web/src/sources/static-mode.ts), with few checkpoints (those stay GeoJSON):
 * `cols × rows` grids in communities of 10 × 10 (synthetic-district.ts), `camerasPerGrid`
 * cameras in each grid, one checkpoint per community, and users to sign in as.
 */
export interface LargeDistrictOptions {
  cols: number;
  rows: number;
  camerasPerGrid: number;
  password: string;
}

export interface LargeDistrict {
  districtCode: string;
  /** One community and its grids: the cells of the community-scoped user. */
  community: { code: string; grids: string[] };
  grids: SyntheticCell[];
  cellCount: number;
  cameraCount: number;
  checkpointCount: number;
  /** Usernames: district-wide commander, operator and technician; a commander of one community. */
  users: { commander: string; operator: string; technician: string; communityCommander: string };
}

const STEP = 0.002;

/** A point near the middle of a grid (its corners' average, nudged), where a camera stands. */
function pointIn(grid: SyntheticCell, k: number, of: number): [number, number] {
  const ring = grid.geometry?.coordinates[0] ?? [];
  const corners = ring.slice(0, -1);
  const lon = corners.reduce((sum, p) => sum + p[0], 0) / corners.length;
  const lat = corners.reduce((sum, p) => sum + p[1], 0) / corners.length;
  const angle = (2 * Math.PI * k) / of;
  return [lon + Math.cos(angle) * STEP * 0.2, lat + Math.sin(angle) * STEP * 0.2];
}

const point = (coordinates: [number, number]) => ({ type: "Point", coordinates });

export async function loadLargeDistrict(pool: Pool, options: LargeDistrictOptions): Promise<LargeDistrict> {
  const { cells } = syntheticDistrict({
    cols: options.cols,
    rows: options.rows,
    lon0: 120.1,
    lat0: 30.2,
    step: STEP,
  });
  await insertSyntheticDistrict(pool, cells);
  const districtCode = cells.find((c) => c.level === "district")?.code ?? "";
  const grids = cells.filter((c) => c.level === "grid");
  const communities = cells.filter((c) => c.level === "community");
  const cameras = grids.flatMap((grid, g) =>
    Array.from({ length: options.camerasPerGrid }, (_, k) => ({
      type: "Feature",
      geometry: point(pointIn(grid, k, options.camerasPerGrid)),
      properties: {
        id: `LD-${String(g * options.camerasPerGrid + k + 1).padStart(6, "0")}`,
        name: `网格${grid.code.slice(-6)}摄像机${k + 1}`,
        vendor: "hikvision",
        model: "DS-2CD2T47G2-L",
        bearing: (k * 137) % 360,
        fov_deg: 60,
        range_m: 40,
        cell_code: grid.code,
      },
    })),
  );
  const checkpoints = communities.map((community, c) => {
    const first = grids.find((grid) => grid.parent_code === community.code);
    return {
      type: "Feature",
      geometry: point(first ? pointIn(first, 1, 2) : [120.1, 30.2]),
      properties: {
        id: `LDCP-${String(c + 1).padStart(3, "0")}`,
        name: `卡口${c + 1}`,
        name_en: `Checkpoint ${c + 1}`,
        grade: (["A", "B", "C"] as const)[c % 3],
        road: "测试路",
        direction: "both",
        cell_code: first?.code ?? null,
      },
    };
  });
  await upsertCheckpoints(pool, checkpoints);
  await upsertCameras(pool, cameras);

  const community = communities[0]?.code ?? "";
  const users = {
    commander: "ld-commander",
    operator: "ld-operator",
    technician: "ld-tech",
    communityCommander: "ld-community",
  };
  const user = (username: string, role: Role, cellCodes: string[]) =>
    createUser(
      pool,
      { userId: null, actor: "system:test" },
      { username, displayName: username, roles: [role], cellCodes, password: options.password },
    );
  await user(users.commander, "commander", [districtCode]);
  await user(users.operator, "operator", [districtCode]);
  await user(users.technician, "technician", [districtCode]);
  await user(users.communityCommander, "commander", [community]);
  return {
    districtCode,
    community: {
      code: community,
      grids: grids.filter((g) => g.parent_code === community).map((g) => g.code),
    },
    grids,
    cellCount: cells.length,
    cameraCount: cameras.length,
    checkpointCount: checkpoints.length,
    users,
  };
}
