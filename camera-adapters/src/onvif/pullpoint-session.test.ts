import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OnvifSimulator, startOnvifSimulator } from "../sim/index.js";
import { createOnvifDevice } from "./device.js";
import { eventKindForTopic } from "./event-parsers.js";
import { createPullPointSession, type PullPointStatus } from "./pullpoint-session.js";
import type { CameraEvent } from "./schemas.js";

let sim: OnvifSimulator;

beforeAll(async () => {
  sim = await startOnvifSimulator({ count: 8, seed: 9, digestShare: 0 });
});
afterAll(async () => {
  await sim.close();
});

function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (condition()) return resolve();
      if (Date.now() > deadline) return reject(new Error("condition not met in time"));
      setTimeout(check, 20);
    };
    check();
  });
}

function startSession(cameraIndex: number, terminationSec = 60) {
  const cam = sim.cameras[cameraIndex]!;
  const device = createOnvifDevice({
    address: cam.deviceServiceUrl,
    username: cam.username,
    password: cam.password,
    timeoutMs: 1000,
  });
  const events: Array<CameraEvent & { initial: boolean }> = [];
  const statuses: PullPointStatus[] = [];
  const session = createPullPointSession(device, {
    terminationSec,
    pullTimeoutSec: 1,
    backoff: { initialMs: 100, maxMs: 400 },
    onEvent: (event) => events.push(event),
    onStatus: (status) => statuses.push(status),
  });
  void session.start();
  return { cam, session, events, statuses };
}

describe("topic mapping", () => {
  it.each([
    ["tns1:VideoSource/GlobalSceneChange/ImagingService", "tamper"],
    ["tns1:VideoSource/GlobalSceneChange/AnalyticsService", "tamper"],
    ["onvif:VideoSource/GlobalSceneChange", "tamper"],
    ["tns1:RuleEngine/TamperDetector/Tamper", "tamper"],
    ["tns1:VideoSource/SignalLoss", "video_loss"],
    ["tns1:Device/HardwareFailure/StorageFailure", "storage_failure"],
    ["tns1:VideoSource/MotionAlarm", "raw"],
    ["tns1:VideoAnalytics/tnshik:MotionAlarm", "raw"],
  ])("%s → %s", (topic, kind) => {
    expect(eventKindForTopic(topic)).toBe(kind);
  });
});

describe("PullPoint session against the simulator", () => {
  it.each([0, 1, 2, 3])(
    "seeds state from Initialized messages and maps live events (camera %i)",
    async (index) => {
      const { cam, session, events } = startSession(index);
      await until(() => events.filter((e) => e.initial).length >= 4, 3000);
      expect(session.currentState().size).toBe(4);
      sim.setFault(cam.id, { kind: "tamper" });
      sim.setFault(cam.id, { kind: "video_loss" });
      sim.setFault(cam.id, { kind: "storage_failure" });
      await until(() => events.filter((e) => !e.initial).length >= 3, 3000);
      const live = events.filter((e) => !e.initial);
      expect(live.map((e) => [e.kind, e.active])).toEqual([
        ["tamper", true],
        ["video_loss", true],
        ["storage_failure", true],
      ]);
      const raw = events.find((e) => e.kind === "raw");
      expect(raw?.topic).toBe("tns1:VideoSource/MotionAlarm");
      expect(raw?.source).toEqual({ Source: "VideoSource_1" });
      await session.stop();
      expect(sim.stats(cam.id).activeSubscriptions).toBe(0);
    },
  );

  it("renews before the granted termination time instead of resubscribing", async () => {
    const { cam, session, statuses } = startSession(4, 2);
    await until(() => statuses.filter((s) => s.state === "renewed").length >= 2, 6000);
    await session.stop();
    expect(sim.stats(cam.id).subscriptionsCreated).toBe(1);
    expect(statuses.some((s) => s.state === "lost")).toBe(false);
  });

  it("re-creates the subscription after a reboot, with bounded back-off", async () => {
    const { cam, session, statuses, events } = startSession(5);
    await until(() => events.filter((e) => e.initial).length >= 4, 3000);
    sim.setFault(cam.id, { kind: "reboot", downMs: 1200 });
    await until(() => statuses.some((s) => s.state === "subscribed" && s.resubscribed), 6000);
    const lost = statuses.filter((s): s is Extract<PullPointStatus, { state: "lost" }> => s.state === "lost");
    expect(lost.length).toBeGreaterThanOrEqual(1);
    // 1.2 s of downtime with 100 → 400 ms back-off allows only a handful of attempts.
    expect(lost.length).toBeLessThanOrEqual(8);
    for (const [i, s] of lost.entries())
      expect(s.retryInMs).toBeLessThanOrEqual(Math.min(400, 100 * 2 ** i) * 1.25);
    expect(sim.stats(cam.id).subscriptionsCreated).toBe(2);
    // The new subscription delivers Initialized state again.
    await until(() => events.filter((e) => e.initial).length >= 8, 3000);
    await session.stop();
  });

  it("resubscribes on ResourceUnknown when the device forgot the subscription", async () => {
    const { cam, session, statuses } = startSession(6, 1);
    await until(() => statuses.some((s) => s.state === "subscribed"), 3000);
    // Drop subscriptions without downtime: the next pull gets a ResourceUnknown fault.
    sim.setFault(cam.id, { kind: "reboot", downMs: 0 });
    await until(() => statuses.some((s) => s.state === "subscribed" && s.resubscribed), 5000);
    const lost = statuses.find((s) => s.state === "lost");
    expect(lost && "reason" in lost ? lost.reason : "").toMatch(/ResourceUnknown|reach|socket|other side/i);
    await session.stop();
  });

  it("stops instead of retrying when credentials are rejected", async () => {
    const cam = sim.cameras[7]!;
    const device = createOnvifDevice({
      address: cam.deviceServiceUrl,
      username: cam.username,
      password: "bad",
      timeoutMs: 1000,
    });
    const statuses: PullPointStatus[] = [];
    const session = createPullPointSession(device, { onEvent: () => {}, onStatus: (s) => statuses.push(s) });
    await session.start();
    expect(statuses.at(-1)).toEqual({ state: "stopped", reason: "auth_failed" });
    expect(sim.stats(cam.id).authRejections).toBe(2);
  });
});
