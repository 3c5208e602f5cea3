import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activeStreamProcessCount } from "./bounded-process.js";
import { sampleDecode } from "./sample-decode.js";
import { startSilentTcpServer } from "./test-streams/silent-servers.js";
import { generateTestMediaFile, removeTestMedia } from "./test-streams/test-media-files.js";
import { startTestRtspServer } from "./test-streams/test-rtsp-server.js";

describe("sampleDecode on generated files", () => {
  let directory: string;
  const files: Record<"normal" | "black" | "frozen" | "blip", string> = {
    normal: "",
    black: "",
    frozen: "",
    blip: "",
  };
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "gridops-sample-"));
    const shape = { width: 160, height: 120, fps: 10, directory };
    [files.normal, files.black, files.frozen, files.blip] = await Promise.all([
      generateTestMediaFile({ ...shape, pattern: "normal", seconds: 4 }),
      generateTestMediaFile({ ...shape, pattern: "black", seconds: 4 }),
      generateTestMediaFile({ ...shape, pattern: "frozen", seconds: 4 }),
      // A one-second black blip at 2 s, like an IR-cut filter switching at dusk.
      generateTestMediaFile({
        ...shape,
        pattern: "blip",
        seconds: 6,
        blip: { startSeconds: 2, durationSeconds: 1 },
      }),
    ]);
  });
  afterAll(async () => {
    if (directory) await removeTestMedia(directory);
  });

  it("passes a normal picture", async () => {
    const result = await sampleDecode(files.normal, { seconds: 4 });
    expect(result).toMatchObject({ verdict: "ok", blackIntervals: [], frozenIntervals: [] });
    expect(result.decodedFrames).toBe(40);
    expect(result.measuredFps).toBeCloseTo(10, 1);
    expect(result.measuredBitrateKbps).toBeGreaterThan(10);
  });

  it("detects a black picture and does not also call it frozen", async () => {
    const result = await sampleDecode(files.black, { seconds: 4 });
    expect(result.verdict).toBe("black");
    expect(result.blackFraction).toBeGreaterThan(0.9);
    expect(result.frozenSeconds).toBe(0);
  });

  it("detects a frozen picture", async () => {
    const result = await sampleDecode(files.frozen, { seconds: 4 });
    expect(result.verdict).toBe("frozen");
    expect(result.frozenFraction).toBeGreaterThan(0.75);
    expect(result.blackSeconds).toBe(0);
  });

  it("does not call a one-second black blip black (debounce), yet sees it", async () => {
    const result = await sampleDecode(files.blip, { seconds: 6 });
    expect(result.verdict).toBe("ok");
    expect(result.blackIntervals).toHaveLength(1);
    expect(result.blackIntervals[0]?.start).toBeCloseTo(2, 1);
    expect(result.blackSeconds).toBeCloseTo(1, 1);
    const strict = await sampleDecode(files.blip, {
      seconds: 6,
      verdict: { minFraction: 0.1, minSeconds: 3 },
    });
    expect(strict.verdict).toBe("black");
  });

  it("refuses a sample length outside its range", async () => {
    await expect(sampleDecode(files.normal, { seconds: 0.2 })).rejects.toMatchObject({
      code: "invalid_input",
    });
  });
});

describe("sampleDecode over RTSP", () => {
  it("detects black and frozen live streams", async () => {
    const shape = { width: 160, height: 120, fps: 10 };
    const [black, frozen] = await Promise.all([
      startTestRtspServer({ ...shape, pattern: "black" }),
      startTestRtspServer({ ...shape, pattern: "frozen" }),
    ]);
    try {
      const options = {
        seconds: 2.5,
        timeoutMs: 3000,
        analyzeSeconds: 0.5,
        verdict: { minFraction: 0.6, minSeconds: 3 },
      };
      const [blackResult, frozenResult] = await Promise.all([
        sampleDecode(black.url, options),
        sampleDecode(frozen.url, options),
      ]);
      expect(blackResult.verdict).toBe("black");
      expect(blackResult.measuredFps).toBeGreaterThan(7);
      expect(frozenResult.verdict).toBe("frozen");
    } finally {
      await Promise.all([black.close(), frozen.close()]);
    }
  });

  it("settles with a timeout on a silent camera and leaves no ffmpeg behind", async () => {
    const silent = await startSilentTcpServer();
    try {
      const attempt = sampleDecode(`rtsp://127.0.0.1:${silent.port}/live`, { seconds: 5, timeoutMs: 700 });
      await expect(attempt).rejects.toMatchObject({ code: "timeout" });
      expect(activeStreamProcessCount()).toBe(0);
    } finally {
      await silent.close();
    }
  });
});
