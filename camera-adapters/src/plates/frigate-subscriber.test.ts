import net from "node:net";
import { Aedes } from "aedes";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureText } from "./fixtures/fixture-helpers.js";
import {
  type FrigateDeadLetter,
  type FrigateSubscriber,
  startFrigateSubscriber,
} from "./frigate-subscriber.js";
import type { PlateRead } from "./plate-read.js";

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

// A real MQTT broker in this process (Aedes on a loopback port): no Mosquitto needed.
describe("startFrigateSubscriber against a real MQTT broker", () => {
  const topic = "frigate/events";
  const reads: PlateRead[] = [];
  const deadLetters: FrigateDeadLetter[] = [];
  let broker: Aedes;
  let brokerServer: net.Server;
  let subscriber: FrigateSubscriber;
  let publisher: mqtt.MqttClient;

  beforeAll(async () => {
    broker = await Aedes.createBroker();
    brokerServer = net.createServer(broker.handle);
    await new Promise<void>((resolve) => brokerServer.listen(0, "127.0.0.1", resolve));
    const url = `mqtt://127.0.0.1:${(brokerServer.address() as net.AddressInfo).port}`;
    subscriber = startFrigateSubscriber({
      url,
      topic,
      onRead: (read) => {
        reads.push(read);
      },
      onDeadLetter: (letter) => {
        deadLetters.push(letter);
      },
    });
    await subscriber.ready;
    publisher = await mqtt.connectAsync(url);
  });

  afterAll(async () => {
    await publisher?.endAsync();
    await subscriber?.stop();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await new Promise<void>((resolve) => brokerServer.close(() => resolve()));
  });

  it("emits a read once per event and plate, and again when the plate changes", async () => {
    await publisher.publishAsync(topic, liveEvent("evt-1", null, "new"));
    await publisher.publishAsync(topic, liveEvent("evt-1", "ABC12345"));
    await publisher.publishAsync(topic, liveEvent("evt-1", "ABC12345"));
    await publisher.publishAsync(topic, liveEvent("evt-1", "ABC12346", "end"));
    await waitFor(() => reads.length >= 2);
    await new Promise((r) => setTimeout(r, 200));
    expect(reads.map((r) => [r.vendorEventId, r.plateText, r.deviceId])).toEqual([
      ["evt-1/ABC12345", "ABC12345", "front_gate"],
      ["evt-1/ABC12346", "ABC12346", "front_gate"],
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
