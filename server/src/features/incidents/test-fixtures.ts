import type { Queryable } from "../../db/pool.js";

/**
 * Shared fixtures of the incidents, reports and stats tests (not shipped behaviour).
 * The demo grids of leader1..3 with a point inside each, and the user ids of the demo accounts. */
export interface DemoPlaces {
  grids: { leader: string; code: string; parent: string; lon: number; lat: number }[];
  userIds: Record<string, number>;
}

export async function demoPlaces(db: Queryable): Promise<DemoPlaces> {
  const { rows } = await db.query<{
    username: string;
    code: string;
    parent: string;
    lon: number;
    lat: number;
  }>(
    `SELECT u.username, c.code, c.parent_code AS parent, ST_X(ST_PointOnSurface(c.geom)) AS lon, ST_Y(ST_PointOnSurface(c.geom)) AS lat
       FROM users u JOIN user_cells uc ON uc.user_id = u.id JOIN cells c ON c.code = uc.cell_code
      WHERE u.username IN ('leader1', 'leader2', 'leader3') ORDER BY u.username`,
  );
  const users = await db.query<{ username: string; id: number }>("SELECT username, id FROM users");
  return {
    grids: rows.map((r) => ({ leader: r.username, code: r.code, parent: r.parent, lon: r.lon, lat: r.lat })),
    userIds: Object.fromEntries(users.rows.map((u) => [u.username, u.id])),
  };
}

/** Logs several demo users in at once (the login function is passed in so this file needs no test-only imports). */
export async function loginAll<T extends string, C>(
  login: (username: string) => Promise<C>,
  names: readonly T[],
): Promise<Record<T, C>> {
  const clients = await Promise.all(names.map((n) => login(n)));
  return Object.fromEntries(names.map((n, i) => [n, clients[i]!])) as Record<T, C>;
}

/** A point about `metres` east of (lon, lat). */
export const eastOf = (lon: number, lat: number, metres: number) => ({
  lon: lon + metres / (111_320 * Math.cos((lat * Math.PI) / 180)),
  lat,
});

/** A real 1×1 PNG (8-byte signature, IHDR, IDAT, IEND). */
export const tinyPng = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489" +
    "0000000d49444154789c63f8cfc0f01f00050001ff89993d1d0000000049454e44ae426082",
  "hex",
);

/** A multipart/form-data body with one file part. */
export function multipart(
  fileName: string,
  content: Buffer,
  contentType = "image/png",
): { body: Buffer; headers: Record<string, string> } {
  const boundary = `----gridops${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${contentType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    body: Buffer.concat([head, content, tail]),
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
  };
}
