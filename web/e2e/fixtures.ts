import { crc32, deflateSync } from "node:zlib";
import { TestClient } from "../../server/src/test-support/http-client.js";

/** A point well inside a cell: the vertex average of its outer ring, checked with the server's lookup. */
export async function pointInCell(client: TestClient, code: string): Promise<{ lon: number; lat: number }> {
  const res = await client.get(`/api/v1/cells/${code}`);
  if (res.status !== 200) throw new Error(`cell ${code}: HTTP ${res.status}`);
  const geometry = res.body.geometry as { type: string; coordinates: number[][][] | number[][][][] };
  const ring = (
    geometry.type === "MultiPolygon"
      ? (geometry.coordinates as number[][][][])[0]![0]!
      : (geometry.coordinates as number[][][])[0]!
  ).slice(0, -1);
  const lon = ring.reduce((sum, p) => sum + p[0]!, 0) / ring.length;
  const lat = ring.reduce((sum, p) => sum + p[1]!, 0) / ring.length;
  return { lon, lat };
}

/** The first cell of a user (for a grid leader: their grid). */
export async function firstCellOf(baseUrl: string, username: string, password: string): Promise<string> {
  const client = await TestClient.loggedIn(baseUrl, username, password);
  return (await client.get("/api/v1/auth/me")).body.cells[0] as string;
}

/** Reports a normal-priority environment incident inside `cell`; its id. */
export async function reportIncidentIn(
  client: TestClient,
  cell: string,
  description: string,
): Promise<number> {
  const res = await client.post("/api/v1/incidents", {
    category: "environment",
    priority: "normal",
    location: await pointInCell(client, cell),
    description,
  });
  if (res.status !== 201) throw new Error(`incident: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.incident.id as number;
}

/** A real (tiny, 2×2 red) PNG file, built with zlib so no binary fixture has to live in the repo. */
export function tinyPng(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const typed = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(2, 0);
  header.writeUInt32BE(2, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const row = Buffer.from([0, 255, 0, 0, 255, 0, 0]);
  const pixels = deflateSync(Buffer.concat([row, row]));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", pixels),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
