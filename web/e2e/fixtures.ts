import type { TestClient } from "../../server/src/test-support/http-client.js";

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
