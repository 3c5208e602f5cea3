import { describe, expect, it } from "vitest";
import type { StreamProbeResult } from "../stream/probe-stream.js";
import type { SampleDecodeResult } from "../stream/sample-decode.js";
import { StreamCheckError } from "../stream/stream-errors.js";
import { applyHealthObservation, initialHealth } from "./health-machine.js";
import { observationFromChecks } from "./observation-from-checks.js";

const at = "2025-03-01T08:00:00.000Z";
const probe: StreamProbeResult = {
  codec: "h264",
  profile: "Main",
  width: 1920,
  height: 1080,
  pixelFormat: "yuv420p",
  fps: { avg: null, r: 50, measured: 9 },
  bitrateKbps: 3000,
  bitrateSource: "measured",
  audio: { present: false, codec: null },
  formatName: "rtsp",
  measuredSeconds: 2,
  elapsedMs: 900,
};
const sample = (verdict: SampleDecodeResult["verdict"]) => ({ verdict }) as SampleDecodeResult;
const onvifOk = { reachable: true, auth: "ok" as const, clockSkewSeconds: 3 };

describe("observationFromChecks", () => {
  it("folds probe deviations and the sample verdict", () => {
    const observation = observationFromChecks({
      at,
      onvif: onvifOk,
      probe,
      sample: sample("ok"),
      promised: { fps: 25 },
    });
    expect(observation).toMatchObject({ reachable: true, auth: "ok", image: "ok", clockSkewSeconds: 3 });
    expect(observation?.streamDeviations).toEqual([{ kind: "low_fps", expected: 25, actual: 9 }]);
    const step = applyHealthObservation(initialHealth(at), observation!);
    expect(step.observed).toEqual({ state: "degraded", reasons: ["low_fps"] });
  });

  it("marks a camera whose every check went silent as unreachable", () => {
    const silent = new StreamCheckError("timeout", "t");
    const observation = observationFromChecks({
      at,
      rtsp: silent,
      probe: new StreamCheckError("unreachable", "u"),
    });
    expect(observation).toMatchObject({ reachable: false, image: null });
  });

  it("treats a silent stream on a camera whose ONVIF answers as no video", () => {
    const observation = observationFromChecks({
      at,
      onvif: onvifOk,
      probe: new StreamCheckError("timeout", "t"),
    });
    expect(observation).toMatchObject({ reachable: true, image: "no_video" });
  });

  it("reports rejected credentials from any check", () => {
    const observation = observationFromChecks({ at, rtsp: new StreamCheckError("auth_failed", "401") });
    expect(observation).toMatchObject({ reachable: true, auth: "rejected" });
  });

  it("does not blame the camera for our own failures", () => {
    const observation = observationFromChecks({
      at,
      onvif: onvifOk,
      sample: new StreamCheckError("process_failed", "x"),
    });
    expect(observation).toMatchObject({ reachable: true, auth: "ok", image: null });
    const alone = observationFromChecks({
      at,
      probe: new StreamCheckError("process_failed", "ffprobe missing"),
    });
    expect(alone).toBeNull();
  });
});
