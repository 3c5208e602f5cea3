import { connect as connectTcp } from "node:net";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureText } from "./fixtures/fixture-helpers.js";
import {
  type FrigateDeadLetter,
  type FrigateSubscriber,
  startFrigateSubscriber,
} from "./frigate-subscriber.js";
import type { PlateRead } from "./plate-read.js";

const BROKER_HOST = "127.0.0.1";
const BROKER_PORT = Number(process.env.GRIDOPS_TEST_MQTT_PORT ?? 1883);

function brokerReachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp({ host: BROKER_HOST, port: BROKER_PORT, timeout: 500 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}

const reachable = await brokerReachable();
if (!reachable) {
  console.warn(
    `frigate-subscriber: no MQTT broker on ${BROKER_HOST}:${BROKER_PORT}; skipping (install mosquitto to run these)`,
  );
}

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A Frigate event happening now, so the capture time is within range. */
function liveEvent(id: string, plate: string | null, type = "update"): string {
  const doc = JSON.parse(fixtureText("frigate-event-lpr.json"));
  const now = Date.now() / 1000;
  doc.type = type;
  doc.after.id = id;
  doc.after.frame_time = now;
  doc.after.start_time = now - 3;
  doc.after.recognized_license_plate = plate;
  return JSON.stringify(doc);
}

describe.skipIf(!reachable)("startFrigateSubscriber against the local Mosquitto", () => {
  const topic = `gridops-test/${process.pid}-${Date.now()}/frigate/events`;
  const reads: PlateRead[] = [];
  const deadLetters: FrigateDeadLetter[] = [];
  let subscriber: FrigateSubscriber;
  let publisher: mqtt.MqttClient;

  beforeAll(async () => {
    subscriber = startFrigateSubscriber({
      url: `mqtt://${BROKER_HOST}:${BROKER_PORT}`,
      topic,
      onRead: (read) => {
        reads.push(read);
      },
      onDeadLetter: (letter) => {
        deadLetters.push(letter);
      },
    });
    await subscriber.ready;
    publisher = await mqtt.connectAsync(`mqtt://${BROKER_HOST}:${BROKER_PORT}`);
  });

  afterAll(async () => {
    await publisher?.endAsync();
    await subscriber?.stop();
  });

  it("emits a read once per event and plate, and again when the plate changes", async () => {
    await publisher.publishAsync(topic, liveEvent("evt-1", null, "new"));
    await publisher.publishAsync(topic, liveEvent("evt-1", "ABC12345"));
    await publisher.publishAsync(topic, liveEvent("evt-1", "ABC12345"));
    await publisher.publishAsync(topic, liveEvent("evt-1", "ABC12346", "end"));
    await waitFor(() => reads.length >= 2);
    await new Promise((r) => setTimeout(r, 200));
    expect(reads.map((r) => [r.vendorEventId, r.plateText, r.deviceId])).toEqual([
      ["evt-1", "ABC12345", "front_gate"],
      ["evt-1", "ABC12346", "front_gate"],
    ]);
  });

  it("dead-letters what it cannot read, with the payload", async () => {
    await publisher.publishAsync(topic, "not json");
    await publisher.publishAsync(topic, liveEvent("evt-2", "无车牌"));
    await waitFor(() => deadLetters.length >= 2);
    expect(deadLetters.map((d) => [d.topic, d.error.code])).toEqual([
      [topic, "malformed_json"],
      [topic, "plate_empty"],
    ]);
    expect(deadLetters[0]?.payload.toString()).toBe("not json");
  });
});
