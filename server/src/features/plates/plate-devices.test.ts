import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";

let server: TestServer;
let admin: TestClient;
beforeAll(async () => {
  server = await startTestServer();
  admin = await TestClient.loggedIn(server.url, "admin", server.demoPassword);
});
afterAll(() => server?.close());

const auditOf = async (id: string) =>
  (
    await server.db.pool.query<{ action: string }>(
      "SELECT action FROM audit_log WHERE target_type = 'plate_device' AND target_id = $1 ORDER BY id",
      [id],
    )
  ).rows.map((r) => r.action);

describe("plate device mapping", () => {
  it("creates, changes and removes a device, each audited; unknown ids are 404", async () => {
    const { rows } = await server.db.pool.query<{ id: string }>(
      "SELECT id FROM cameras WHERE lane IS NOT NULL ORDER BY id LIMIT 1",
    );
    const created = await admin.post("/api/v1/plates/devices", {
      deviceId: "DEV-AUDIT-1",
      cameraId: rows[0]!.id,
    });
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    const changed = await admin.patch(`/api/v1/plates/devices/${id}`, { timeZone: "Asia/Urumqi" });
    expect(changed.status).toBe(200);
    expect(changed.body.timeZone ?? changed.body.time_zone).toBe("Asia/Urumqi");
    expect((await admin.delete(`/api/v1/plates/devices/${id}`)).status).toBe(204);
    expect(await auditOf(id)).toEqual([
      "plates.device_create",
      "plates.device_update",
      "plates.device_delete",
    ]);
    expect((await admin.patch("/api/v1/plates/devices/999999", { timeZone: "UTC" })).status).toBe(404);
    expect((await admin.delete("/api/v1/plates/devices/999999")).status).toBe(404);
    const { rows: left } = await server.db.pool.query("SELECT 1 FROM plate_devices WHERE id = $1", [id]);
    expect(left).toHaveLength(0);
  });
});
