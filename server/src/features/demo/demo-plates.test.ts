import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";
import { DEMO_HOTLIST_PLATES, ensureDemoPlateSetup, startDemoPlateFeed } from "./demo-plates.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe("demo plate feed", () => {
  it("registers every lane camera as a plate device and seeds the demo hotlist, idempotently", async () => {
    const first = await ensureDemoPlateSetup(server.db.pool);
    const second = await ensureDemoPlateSetup(server.db.pool);
    expect(second).toEqual(first);
    const { rows } = await server.db.pool.query<{ lanes: number; devices: number; entries: number }>(
      `SELECT (SELECT count(*)::int FROM cameras WHERE lane IS NOT NULL) AS lanes,
              (SELECT count(*)::int FROM plate_devices) AS devices,
              (SELECT count(*)::int FROM hotlist_entries WHERE removed_at IS NULL) AS entries`,
    );
    expect(rows[0]!.lanes).toBeGreaterThan(40);
    expect(rows[0]!.devices).toBe(rows[0]!.lanes);
    expect(rows[0]!.entries).toBe(DEMO_HOTLIST_PLATES.length);
  });

  it("pushes reads in three vendor formats through the real ingest endpoint, none dead-lettered", async () => {
    const feed = await startDemoPlateFeed(server.server.deps, server.url, 40);
    await new Promise((r) => setTimeout(r, 1500));
    await feed.stop();
    const stats = feed.stats();
    expect(stats.sent).toBeGreaterThan(20);
    expect(stats.rejected + stats.failed).toBe(0);
    const { rows } = await server.db.pool.query<{ reads: number; formats: number; dead: number }>(
      `SELECT (SELECT count(*)::int FROM plate_reads) AS reads,
              (SELECT count(DISTINCT format)::int FROM plate_reads) AS formats,
              (SELECT count(*)::int FROM ingest_dead_letters) AS dead`,
    );
    expect(rows[0]!.reads).toBe(stats.accepted);
    expect(rows[0]!.formats).toBe(3);
    expect(rows[0]!.dead).toBe(0);
  });
});
