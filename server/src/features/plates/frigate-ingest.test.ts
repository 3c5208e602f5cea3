import net from "node:net";
import { fixtureText } from "@gridops/camera-adapters/plates/fixtures/fixture-helpers";
import { Aedes } from "aedes";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";
import { platesRuntimeOf } from "./plates-runtime.js";

/**
 * Frigate over MQTT end to end: a real MQTT broker (Aedes, in this process, on a loopback
 * port), a server started with GRIDOPS_FRIGATE_MQTT_URL pointing at it (so the product's own
 * subscriber connects), and real Frigate `frigate/events` messages published by an MQTT client.
 */
let broker: Aedes;
let brokerServer: net.Server;
let server: TestServer;
let publisher: mqtt.MqttClient;
let admin: TestClient;
let camera: { id: string; checkpoint_id: string; cell_code: string };
const HOT_PLATE = "粤B7F123";

beforeAll(async () => {
  broker = await Aedes.createBroker();
  brokerServer = net.createServer(broker.handle);
  await new Promise<void>((resolve) => brokerServer.listen(0, "127.0.0.1", resolve));
  const url = `mqtt://127.0.0.1:${(brokerServer.address() as net.AddressInfo).port}`;
  server = await startTestServer({ env: { GRIDOPS_FRIGATE_MQTT_URL: url } });
  const frigate = platesRuntimeOf(server.server.deps).frigate;
  expect(frigate).not.toBeNull();
  await frigate!.ready;
  publisher = await mqtt.connectAsync(url);

  admin = await TestClient.loggedIn(server.url, "admin", server.demoPassword);
  camera = (
    await server.db.pool.query(
      "SELECT id, checkpoint_id, cell_code FROM cameras WHERE checkpoint_id IS NOT NULL AND cell_code IS NOT NULL ORDER BY id LIMIT 1",
    )
  ).rows[0];
  // Frigate camera names are the device ids.
  expect(
    (await admin.post("/api/v1/plates/devices", { deviceId: "front_gate", cameraId: camera.id })).status,
  ).toBe(201);
  const analyst = await TestClient.loggedIn(server.url, "analyst1", server.demoPassword);
  const list = await analyst.post("/api/v1/hotlists", { name: "Frigate test list", description: "test" });
  expect(list.status).toBe(201);
  const entry = await analyst.post(`/api/v1/hotlists/${list.body.id}/entries`, {
    plate: HOT_PLATE,
    reasonCode: "stolen_vehicle",
    caseReference: "CASE-FRIGATE-1",
    priority: "high",
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
  });
  expect(entry.status, JSON.stringify(entry.body)).toBe(201);
}, 120_000);

afterAll(async () => {
  await publisher?.endAsync();
  await platesRuntimeOf(server.server.deps).frigate?.stop();
  await server?.close();
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  await new Promise<void>((resolve) => brokerServer.close(() => resolve()));
});

/** The Frigate docs' event (fixture) for a tracked object seen now, with this id, camera and plate. */
function frigateEvent(
  id: string,
  plate: string | null,
  opts: { camera?: string; type?: string } = {},
): string {
  const doc = JSON.parse(fixtureText("frigate-event-lpr.json"));
  const now = Date.now() / 1000;
  doc.type = opts.type ?? "update";
  for (const side of [doc.before, doc.after]) {
    side.id = id;
    side.camera = opts.camera ?? "front_gate";
    side.start_time = now - 3;
  }
  doc.before.frame_time = now - 0.5;
  doc.after.frame_time = now;
  doc.after.recognized_license_plate = plate;
  return JSON.stringify(doc);
}

async function until<T>(what: string, check: () => Promise<T | null | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The reads of one Frigate tracked object (each plate it was recognised as is a read). */
const readsOfEvent = async (trackedObjectId: string) =>
  (
    await server.db.pool.query(
      `SELECT r.*, d.device_key FROM plate_reads r JOIN plate_devices d ON d.id = r.device_id
        WHERE r.details->>'trackedObjectId' = $1 ORDER BY r.id`,
      [trackedObjectId],
    )
  ).rows;

const deadLetters = async (reason: string) =>
  (
    await server.db.pool.query(
      "SELECT * FROM ingest_dead_letters WHERE auth_actor = 'integration:frigate' AND reason_code = $1 ORDER BY id",
      [reason],
    )
  ).rows;

describe("Frigate events over a real MQTT broker", () => {
  it("stores one read per tracked object, mapped to the registered camera, checkpoint and cell", async () => {
    const id = "1700000001.100000-frgt01";
    await publisher.publishAsync("frigate/events", frigateEvent(id, null, { type: "new" }));
    await publisher.publishAsync("frigate/events", frigateEvent(id, "粤B12345"));
    await publisher.publishAsync("frigate/events", frigateEvent(id, "粤B12345"));
    await publisher.publishAsync("frigate/events", frigateEvent(id, "粤B12345", { type: "end" }));
    const [read, ...more] = await until("the read", async () => {
      const rows = await readsOfEvent(id);
      return rows.length ? rows : null;
    });
    await new Promise((r) => setTimeout(r, 300)); // later messages of the same object had their chance
    expect([read, ...more].length).toBe(1);
    expect(await readsOfEvent(id)).toHaveLength(1);
    expect(read).toMatchObject({
      format: "frigate",
      plate_text: "粤B12345",
      device_key: "front_gate",
      camera_id: camera.id,
      checkpoint_id: camera.checkpoint_id,
      cell_code: camera.cell_code,
      vehicle_type: "car",
    });
    expect(Math.abs(read.captured_at.getTime() - Date.now())).toBeLessThan(30_000);
  });

  it("a hotlisted plate raises a hit and its incident", async () => {
    const id = "1700000002.200000-frgt02";
    await publisher.publishAsync("frigate/events", frigateEvent(id, HOT_PLATE));
    const [read] = await until("the read", async () => {
      const rows = await readsOfEvent(id);
      return rows.length ? rows : null;
    });
    const hits = (await server.db.pool.query("SELECT * FROM hotlist_hits WHERE read_id = $1", [read.id]))
      .rows;
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ plate_text: HOT_PLATE, camera_id: camera.id, match_level: "exact" });
    // The incident is opened just after the batch commits.
    await until(
      "the hit's incident",
      async () =>
        (await server.db.pool.query("SELECT incident_id FROM hotlist_hits WHERE id = $1", [hits[0].id]))
          .rows[0].incident_id,
    );
  });

  it("a plate corrected for the same tracked object is a read of its own and raises its hit", async () => {
    const id = "1700000005.500000-frgt05";
    // Its own Frigate camera: the hotlisted plate read at front_gate above would be a duplicate.
    expect(
      (await admin.post("/api/v1/plates/devices", { deviceId: "side_gate", cameraId: camera.id })).status,
    ).toBe(201);
    const misread = `${HOT_PLATE.slice(0, -1)}${HOT_PLATE.endsWith("9") ? "8" : "9"}`;
    await publisher.publishAsync("frigate/events", frigateEvent(id, misread, { camera: "side_gate" }));
    await publisher.publishAsync(
      "frigate/events",
      frigateEvent(id, HOT_PLATE, { camera: "side_gate", type: "end" }),
    );
    const reads = await until("both reads", async () => {
      const rows = await readsOfEvent(id);
      return rows.length >= 2 ? rows : null;
    });
    expect(reads.map((r) => [r.plate_text, r.vendor_event_id])).toEqual([
      [misread, `${id}/${misread}`],
      [HOT_PLATE, `${id}/${HOT_PLATE}`],
    ]);
    const hits = (
      await server.db.pool.query("SELECT read_id FROM hotlist_hits WHERE read_id = ANY($1)", [
        reads.map((r) => r.id),
      ])
    ).rows;
    expect(hits.map((h) => h.read_id)).toEqual([reads[1].id]);
  });

  it("garbage on the topic becomes a dead letter with the payload; nothing is stored", async () => {
    const before = (await server.db.pool.query("SELECT count(*)::int AS n FROM plate_reads")).rows[0].n;
    await publisher.publishAsync("frigate/events", "not json {");
    await publisher.publishAsync("frigate/events", JSON.stringify({ type: "update", after: { id: "x" } }));
    const malformed = await until(
      "malformed_json dead letter",
      async () => (await deadLetters("malformed_json"))[0],
    );
    expect(malformed.format).toBe("frigate");
    expect(malformed.payload.toString()).toBe("not json {");
    expect(malformed.headers).toMatchObject({ "mqtt-topic": "frigate/events" });
    const invalid = await until("schema dead letter", async () => {
      const { rows } = await server.db.pool.query(
        "SELECT * FROM ingest_dead_letters WHERE auth_actor = 'integration:frigate' AND format = 'frigate' AND reason_code <> 'malformed_json'",
      );
      return rows[0];
    });
    expect(JSON.parse(invalid.payload.toString())).toEqual({ type: "update", after: { id: "x" } });
    expect((await server.db.pool.query("SELECT count(*)::int AS n FROM plate_reads")).rows[0].n).toBe(before);
  });

  it("an unregistered Frigate camera is dead-lettered as unknown_device and stored once it is registered and replayed", async () => {
    const id = "1700000003.300000-frgt03";
    await publisher.publishAsync("frigate/events", frigateEvent(id, "粤B54321", { camera: "back_yard" }));
    const letter = await until(
      "unknown_device dead letter",
      async () => (await deadLetters("unknown_device"))[0],
    );
    expect(letter).toMatchObject({ format: "generic", device_hint: "back_yard" });
    expect(await readsOfEvent(id)).toHaveLength(0);
    expect(
      (await admin.post("/api/v1/plates/devices", { deviceId: "back_yard", cameraId: camera.id })).status,
    ).toBe(201);
    const replay = await admin.post(`/api/v1/ingest/dead-letters/${letter.id}/replay`);
    expect(replay.status, JSON.stringify(replay.body)).toBe(200);
    const [read] = await readsOfEvent(id);
    expect(read).toMatchObject({ plate_text: "粤B54321", device_key: "back_yard", camera_id: camera.id });
  });
});
