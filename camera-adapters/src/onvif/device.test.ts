import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OnvifSimulator, startOnvifSimulator } from "../sim/index.js";
import { createOnvifDevice } from "./device.js";
import { OnvifError } from "./errors.js";

let sim: OnvifSimulator;

beforeAll(async () => {
  sim = await startOnvifSimulator({ count: 16, seed: 42, digestShare: 0.25 });
});
afterAll(async () => {
  await sim.close();
});

function camera(predicate: (c: OnvifSimulator["cameras"][number]) => boolean) {
  const found = sim.cameras.find(predicate);
  if (!found) throw new Error("no such simulated camera");
  return found;
}

function deviceFor(
  cam: OnvifSimulator["cameras"][number],
  overrides: { password?: string; timeoutMs?: number } = {},
) {
  return createOnvifDevice({
    address: cam.deviceServiceUrl,
    username: cam.username,
    password: overrides.password ?? cam.password,
    timeoutMs: overrides.timeoutMs ?? 2000,
  });
}

async function failure(promise: Promise<unknown>): Promise<OnvifError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OnvifError) return error;
    throw error;
  }
  throw new Error("expected an OnvifError");
}

describe("onboarding against simulated vendors", () => {
  it.each(["hikvision", "dahua", "axis", "uniview"] as const)("onboards a %s camera", async (vendor) => {
    const cam = camera((c) => c.vendor === vendor && c.authMode === "wsse");
    const result = await deviceFor(cam).onboard();
    expect(result.vendor).toBe(vendor);
    expect(result.serialNumber).not.toBe("");
    expect(result.macAddress).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect(Math.abs(result.clock.offsetMs)).toBeLessThan(1500);
    // XAddrs advertise the camera's LAN address; they must point at the host we reached.
    const reached = new URL(cam.deviceServiceUrl);
    for (const url of Object.values(result.services)) expect(new URL(url).host).toBe(reached.host);
    expect(result.profiles).toHaveLength(2);
    for (const profile of result.profiles) {
      expect(profile.streamUri).toMatch(/^rtsp:\/\/127\.0\.0\.1:554\//);
      expect(profile.streamUri).not.toMatch(/\s/);
      expect(profile.video?.width).toBeGreaterThan(0);
    }
    expect(result.warnings).toEqual([]);
  });

  it("finds H.265 through Media2 where Media1 reports H264", async () => {
    const cam = sim.cameras.find((c) => c.vendor === "dahua" || c.vendor === "hikvision");
    const results = await Promise.all(
      sim.cameras.filter((c) => c.vendor !== "uniview").map((c) => deviceFor(c).getProfiles()),
    );
    const media2Codecs = results
      .flat()
      .filter((p) => p.mediaService === "media2")
      .map((p) => p.video?.codec);
    expect(cam).toBeDefined();
    expect(media2Codecs).toContain("H265");
  });
});

describe("authentication", () => {
  it.each([300, -300])("recovers from a %i s clock skew with one re-sync", async (seconds) => {
    const cam = camera((c) => c.authMode === "wsse" && c.id !== "cam-00001");
    sim.setFault(cam.id, { kind: "clock_drift", seconds });
    const before = sim.stats(cam.id);
    const device = deviceFor(cam);
    const info = await device.getDeviceInformation();
    const after = sim.stats(cam.id);
    sim.clearFaults(cam.id);
    expect(info.serialNumber).not.toBe("");
    expect(after.authRejections - before.authRejections).toBe(1);
    expect((after.operations.GetSystemDateAndTime ?? 0) - (before.operations.GetSystemDateAndTime ?? 0)).toBe(
      1,
    );
    expect(Math.abs((device.clockOffsetMs ?? 0) - seconds * 1000)).toBeLessThan(1500);
  });

  it("reports auth_failed after exactly one retry when the password is wrong", async () => {
    const cam = camera((c) => c.authMode === "wsse" && c.vendor === "axis");
    const before = sim.stats(cam.id);
    const error = await failure(deviceFor(cam, { password: "wrong" }).getDeviceInformation());
    const after = sim.stats(cam.id);
    expect(error.code).toBe("auth_failed");
    expect(after.authRejections - before.authRejections).toBe(2);
    expect((after.operations.GetDeviceInformation ?? 0) - (before.operations.GetDeviceInformation ?? 0)).toBe(
      2,
    );
  });

  it("authenticates with HTTP Digest when the device demands it", async () => {
    const cam = camera((c) => c.authMode === "digest");
    const device = deviceFor(cam);
    const first = sim.stats(cam.id);
    await device.getDeviceInformation();
    await device.getCapabilities();
    const after = sim.stats(cam.id);
    // One 401 to learn the challenge, then the cached challenge is reused.
    expect(after.authRejections - first.authRejections).toBe(1);
    expect(after.requests - first.requests).toBe(3);
  });

  it("reports auth_failed for wrong Digest credentials without looping", async () => {
    const cam = camera((c) => c.authMode === "digest");
    const before = sim.stats(cam.id);
    const error = await failure(deviceFor(cam, { password: "nope" }).getDeviceInformation());
    expect(error.code).toBe("auth_failed");
    expect(sim.stats(cam.id).requests - before.requests).toBe(2);
  });

  it("reports auth_failed when the camera refuses all credentials", async () => {
    const cam = camera((c) => c.authMode === "wsse" && c.vendor === "dahua");
    sim.setFault(cam.id, { kind: "auth_failure" });
    const error = await failure(deviceFor(cam).getProfiles());
    sim.clearFaults(cam.id);
    expect(error.code).toBe("auth_failed");
  });
});

describe("unhealthy devices", () => {
  it("times out on a slow device instead of hanging", async () => {
    const cam = camera((c) => c.vendor === "uniview");
    sim.setFault(cam.id, { kind: "slow", delayMs: 3000 });
    const started = Date.now();
    const error = await failure(deviceFor(cam, { timeoutMs: 300 }).getSystemDateAndTime());
    sim.clearFaults(cam.id);
    expect(error.code).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it("times out on a device that accepts the connection and never answers", async () => {
    const cam = camera((c) => c.vendor === "hikvision");
    sim.setFault(cam.id, { kind: "offline", mode: "silent" });
    const error = await failure(deviceFor(cam, { timeoutMs: 300 }).getSystemDateAndTime());
    sim.clearFaults(cam.id);
    expect(error.code).toBe("timeout");
  });

  it("reports unreachable when the device resets the connection", async () => {
    const cam = camera((c) => c.vendor === "axis");
    sim.setFault(cam.id, { kind: "offline", mode: "reset" });
    const error = await failure(deviceFor(cam).getSystemDateAndTime());
    sim.clearFaults(cam.id);
    expect(error.code).toBe("unreachable");
  });

  it("reports unreachable when nothing listens on the port", async () => {
    const error = await failure(
      createOnvifDevice({
        address: "http://127.0.0.1:1/onvif/device_service",
        timeoutMs: 1000,
      }).getSystemDateAndTime(),
    );
    expect(error.code).toBe("unreachable");
  });

  it("reports malformed_xml for broken firmware answers", async () => {
    const cam = camera((c) => c.vendor === "dahua");
    sim.setFault(cam.id, { kind: "malformed_xml" });
    const error = await failure(deviceFor(cam).getSystemDateAndTime());
    sim.clearFaults(cam.id);
    expect(error.code).toBe("malformed_xml");
  });

  it("honours the caller's AbortSignal", async () => {
    const cam = camera((c) => c.vendor === "hikvision");
    sim.setFault(cam.id, { kind: "slow", delayMs: 2000 });
    const error = await failure(deviceFor(cam).getSystemDateAndTime({ signal: AbortSignal.timeout(100) }));
    sim.clearFaults(cam.id);
    expect(error.code).toBe("aborted");
  });

  it("refuses a call whose signal is already aborted without sending it (and without crashing)", async () => {
    const cam = camera((c) => c.vendor === "dahua");
    const before = sim.stats(cam.id).requests;
    const error = await failure(deviceFor(cam).getSystemDateAndTime({ signal: AbortSignal.abort() }));
    expect(error.code).toBe("aborted");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sim.stats(cam.id).requests).toBe(before);
  });
});
