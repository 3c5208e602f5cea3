import { describe, expect, it } from "vitest";
import {
  applyHealthObservation,
  type CameraHealth,
  enterMaintenance,
  type HealthStep,
  initialHealth,
  leaveMaintenance,
  parseCameraHealth,
  resetAuthFailure,
} from "./health-machine.js";
import type { HealthObservationInput } from "./health-observation.js";
import { healthReasonLabels, healthReasons, healthStateLabels, healthStates } from "./health-states.js";

const config = { failuresToGoDown: 3, successesToRecover: 2, clockSkewLimitSeconds: 30 };
let clock = Date.parse("2025-03-01T08:00:00Z");
const nextAt = () => {
  clock += 60_000;
  return new Date(clock).toISOString();
};

const healthy: Omit<HealthObservationInput, "at"> = { reachable: true, auth: "ok", image: "ok" };
const unreachable: Omit<HealthObservationInput, "at"> = { reachable: false };

/** Feeds observations in order and returns every step. */
function run(start: CameraHealth, observations: Array<Omit<HealthObservationInput, "at">>): HealthStep[] {
  const steps: HealthStep[] = [];
  let state = start;
  for (const observation of observations) {
    const step = applyHealthObservation(state, { ...observation, at: nextAt() }, config);
    steps.push(step);
    state = step;
  }
  return steps;
}

function settledOnline(): CameraHealth {
  const steps = run(initialHealth(new Date(clock)), [healthy]);
  return steps.at(-1)!;
}

describe("applyHealthObservation", () => {
  it("goes from unknown to online on the first healthy check", () => {
    const [step] = run(initialHealth(new Date(clock)), [healthy]);
    expect(step?.state).toBe("online");
    expect(step?.reasons).toEqual(["checks_passed"]);
    expect(step?.transition).toMatchObject({ from: "unknown", to: "online", alert: false });
  });

  it("needs N consecutive failures to go offline and records the reason", () => {
    const steps = run(settledOnline(), [unreachable, unreachable, unreachable]);
    expect(steps.map((s) => s.state)).toEqual(["online", "online", "offline"]);
    expect(steps[0]?.transition).toBeUndefined();
    expect(steps[1]?.pending).toMatchObject({
      direction: "worse",
      count: 2,
      needed: 3,
      to: { state: "offline" },
    });
    expect(steps[2]?.transition).toMatchObject({
      from: "online",
      to: "offline",
      reasons: ["unreachable"],
      alert: true,
    });
    expect(steps[2]?.counters.consecutiveFailures).toBe(3);
  });

  it("does not go down when a success interrupts the failures (flap damping)", () => {
    const steps = run(settledOnline(), [
      unreachable,
      unreachable,
      healthy,
      unreachable,
      unreachable,
      healthy,
    ]);
    expect(steps.every((s) => s.state === "online")).toBe(true);
    expect(steps.some((s) => s.transition)).toBe(false);
  });

  it("needs M consecutive successes to recover, then reports a non-alert transition", () => {
    const offline = run(settledOnline(), [unreachable, unreachable, unreachable]).at(-1)!;
    const steps = run(offline, [healthy, unreachable, healthy, healthy]);
    expect(steps.map((s) => s.state)).toEqual(["offline", "offline", "offline", "online"]);
    expect(steps[3]?.transition).toMatchObject({ from: "offline", to: "online", alert: false });
  });

  it("classifies every kind of finding into its state with reasons", () => {
    const cases: Array<[Omit<HealthObservationInput, "at">, string, string[]]> = [
      [{ ...healthy, auth: "rejected" }, "auth_failed", ["auth_rejected"]],
      [{ ...healthy, events: { tamper: true }, image: "black" }, "tampered", ["tamper_event", "black_image"]],
      [{ ...healthy, image: "black" }, "no_video", ["black_image"]],
      [{ ...healthy, image: "frozen" }, "no_video", ["frozen_image"]],
      [{ ...healthy, image: "no_video" }, "no_video", ["no_video_frames"]],
      [{ ...healthy, events: { videoLoss: true } }, "no_video", ["video_loss_event"]],
      [
        { ...healthy, streamDeviations: [{ kind: "low_fps", expected: 25, actual: 8 }] },
        "degraded",
        ["low_fps"],
      ],
      [{ ...healthy, clockSkewSeconds: -95 }, "degraded", ["clock_drift"]],
      [{ ...healthy, events: { storageFailure: true } }, "degraded", ["storage_failure"]],
    ];
    for (const [observation, state, reasons] of cases) {
      const last = run(settledOnline(), [observation, observation, observation]).at(-1)!;
      expect({ state: last.state, reasons: last.reasons }).toEqual({ state, reasons });
      expect(last.transition?.alert).toBe(true);
    }
  });

  it("ignores clock skew within the limit", () => {
    const step = run(settledOnline(), [{ ...healthy, clockSkewSeconds: 12 }]).at(-1)!;
    expect(step.observed?.state).toBe("online");
  });

  it("updates reasons in place without a transition while the state holds", () => {
    const lowFps = { ...healthy, streamDeviations: [{ kind: "low_fps" as const }] };
    const lowBitrate = { ...healthy, streamDeviations: [{ kind: "low_bitrate" as const }] };
    const steps = run(settledOnline(), [lowFps, lowFps, lowFps, lowBitrate]);
    expect(steps[2]?.state).toBe("degraded");
    expect(steps[3]).toMatchObject({ state: "degraded", reasons: ["low_bitrate"], reasonsChanged: true });
    expect(steps[3]?.transition).toBeUndefined();
  });

  it("moves laterally between down states only after N consecutive observations", () => {
    const noVideo = { ...healthy, image: "black" as const };
    const down = run(settledOnline(), [noVideo, noVideo, noVideo]).at(-1)!;
    const steps = run(down, [unreachable, unreachable, unreachable]);
    expect(steps.map((s) => s.state)).toEqual(["no_video", "no_video", "offline"]);
    expect(steps[2]?.transition).toMatchObject({ from: "no_video", to: "offline", alert: true });
  });

  it("keeps a new camera unknown until N failures confirm it is down", () => {
    const steps = run(initialHealth(new Date(clock)), [unreachable, unreachable, unreachable]);
    expect(steps.map((s) => s.state)).toEqual(["unknown", "unknown", "offline"]);
  });

  it("keeps auth_failed despite later observations until reset", () => {
    const rejected = { ...healthy, auth: "rejected" as const };
    const failed = run(settledOnline(), [rejected, rejected, rejected]).at(-1)!;
    const later = run(failed, [healthy, healthy, healthy, unreachable]);
    expect(later.every((s) => s.state === "auth_failed" && !s.transition)).toBe(true);
    expect(later.at(-1)?.observed?.state).toBe("offline");
    const reset = resetAuthFailure(later.at(-1)!, nextAt(), "credentials_changed");
    expect(reset.transition).toMatchObject({
      from: "auth_failed",
      to: "unknown",
      reasons: ["credentials_changed"],
    });
    expect(run(reset, [healthy]).at(-1)?.state).toBe("online");
  });

  it("leaves other states alone on resetAuthFailure", () => {
    const online = settledOnline();
    const step = resetAuthFailure(online, nextAt(), "manual_reset");
    expect(step.state).toBe("online");
    expect(step.transition).toBeUndefined();
  });

  it("silences alerts in maintenance and leaves it only explicitly", () => {
    const entered = enterMaintenance(settledOnline(), nextAt());
    expect(entered).toMatchObject({ state: "maintenance", silenced: true, reasons: ["maintenance_started"] });
    expect(entered.transition).toMatchObject({ from: "online", to: "maintenance", alert: false });
    const during = run(entered, [
      unreachable,
      unreachable,
      unreachable,
      unreachable,
      healthy,
      healthy,
      healthy,
    ]);
    expect(during.every((s) => s.state === "maintenance" && s.silenced && !s.transition)).toBe(true);
    expect(during[3]?.observed).toEqual({ state: "offline", reasons: ["unreachable"] });
    const left = leaveMaintenance(during.at(-1)!, nextAt());
    expect(left.transition).toMatchObject({
      from: "maintenance",
      to: "unknown",
      reasons: ["maintenance_ended"],
      alert: false,
    });
    expect(left.silenced).toBe(false);
    expect(enterMaintenance(entered, nextAt()).transition).toBeUndefined();
    expect(leaveMaintenance(settledOnline(), nextAt()).transition).toBeUndefined();
  });

  it("ignores an observation older than the last one applied", () => {
    const online = settledOnline();
    const old = applyHealthObservation(online, { ...unreachable, at: "2020-01-01T00:00:00Z" }, config);
    expect(old.ignored).toBe("out_of_order");
    expect(old.counters).toEqual(online.counters);
  });

  it("rejects a malformed observation with a zod error, not a crash later", () => {
    expect(() =>
      applyHealthObservation(
        settledOnline(),
        { at: "yesterday", reachable: true } as HealthObservationInput,
        config,
      ),
    ).toThrow(/Invalid/i);
  });

  it("round-trips through JSON for persistence", () => {
    const step = run(settledOnline(), [unreachable]).at(-1)!;
    const restored = parseCameraHealth(JSON.parse(JSON.stringify(step)));
    expect(restored.pending?.count).toBe(1);
    expect(() => parseCameraHealth({ ...restored, state: "sleeping" })).toThrow();
  });
});

describe("labels", () => {
  it("has zh-CN and en for every state and reason, with the glossary terms", () => {
    for (const state of healthStates) {
      expect(healthStateLabels[state].en.length).toBeGreaterThan(0);
      expect(healthStateLabels[state]["zh-CN"].length).toBeGreaterThan(0);
    }
    for (const reason of healthReasons) expect(healthReasonLabels[reason]["zh-CN"].length).toBeGreaterThan(0);
    expect(healthStateLabels.degraded["zh-CN"]).toBe("异常");
    expect(healthStateLabels.tampered["zh-CN"]).toBe("遮挡/移位");
  });
});
