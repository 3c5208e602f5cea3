import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activeStreamProcessCount, runBounded } from "./bounded-process.js";
import { StreamCheckLimiter } from "./check-limiter.js";
import { probeStream } from "./probe-stream.js";
import { compareWithProfile } from "./profile-compare.js";
import { findClosedPort, startSilentTcpServer } from "./test-streams/silent-servers.js";
import { generateTestMediaFile, removeTestMedia } from "./test-streams/test-media-files.js";
import { startTestRtspServer, type TestRtspServer } from "./test-streams/test-rtsp-server.js";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("probeStream over RTSP", () => {
  let camera: TestRtspServer;
  let secured: TestRtspServer;
  beforeAll(async () => {
    [camera, secured] = await Promise.all([
      startTestRtspServer({ width: 320, height: 240, fps: 15, withAudio: true, maxSessions: 1 }),
      startTestRtspServer({
        width: 160,
        height: 120,
        fps: 10,
        auth: { scheme: "digest", username: "admin", password: "s3cret" },
      }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([camera?.close(), secured?.close()]);
  });

  it("reports codec, size, measured fps and bitrate, and audio presence", async () => {
    const result = await probeStream(camera.url, {
      timeoutMs: 3000,
      analyzeSeconds: 0.5,
      measureSeconds: 1.5,
    });
    expect(result).toMatchObject({
      codec: "h264",
      width: 320,
      height: 240,
      formatName: "rtsp",
      bitrateSource: "measured",
      audio: { present: true, codec: "pcm_alaw" },
    });
    expect(result.fps.measured).toBeCloseTo(15, 0);
    expect(result.bitrateKbps).toBeGreaterThan(20);
    expect(compareWithProfile(result, { codec: "H264", width: 320, height: 240, fps: 15 })).toEqual([]);
    expect(compareWithProfile(result, { fps: 25, width: 1920, height: 1080 }).map((d) => d.kind)).toEqual([
      "resolution_mismatch",
      "low_fps",
    ]);
  });

  it("works over UDP transport too", async () => {
    const result = await probeStream(camera.url, {
      transport: "udp",
      timeoutMs: 3000,
      analyzeSeconds: 0.5,
      measureSeconds: 1,
    });
    expect(result.codec).toBe("h264");
    expect(camera.requests.some((r) => r.method === "SETUP")).toBe(true);
  });

  it("authenticates ffprobe with Digest credentials in the URL, and reports auth_failed otherwise", async () => {
    const good = secured.url.replace("rtsp://", "rtsp://admin:s3cret@");
    expect((await probeStream(good, { timeoutMs: 3000, analyzeSeconds: 0.5, measureSeconds: 0 })).width).toBe(
      160,
    );
    const bad = secured.url.replace("rtsp://", "rtsp://admin:wrong@");
    await expect(probeStream(bad, { timeoutMs: 3000, analyzeSeconds: 0.5 })).rejects.toMatchObject({
      code: "auth_failed",
    });
    await expect(probeStream(bad, { timeoutMs: 3000, analyzeSeconds: 0.5 })).rejects.not.toThrow(/wrong/);
  });

  it("reports not_found for an unknown path", async () => {
    await expect(
      probeStream(camera.url.replace("/live", "/nope"), { timeoutMs: 3000 }),
    ).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("keeps to one session per camera through the limiter", async () => {
    const limiter = new StreamCheckLimiter({ globalConcurrency: 4, perKeyConcurrency: 1 });
    const probes = [1, 2, 3].map(() =>
      limiter.run("camera-1", () =>
        probeStream(camera.url, { timeoutMs: 3000, analyzeSeconds: 0.5, measureSeconds: 0 }),
      ),
    );
    const results = await Promise.all(probes);
    expect(results.every((r) => r.codec === "h264")).toBe(true);
    expect(camera.peakSessions).toBe(1);
  });
});

describe("probeStream on files and failures", () => {
  let file: string;
  beforeAll(async () => {
    file = await generateTestMediaFile({
      pattern: "normal",
      seconds: 2,
      width: 160,
      height: 120,
      fps: 10,
      withAudio: true,
    });
  });
  afterAll(async () => {
    if (file) await removeTestMedia(file);
  });

  it("uses the container's declared bitrate when there is one", async () => {
    const result = await probeStream(file);
    expect(result).toMatchObject({ codec: "h264", width: 160, height: 120, bitrateSource: "stream" });
    expect(result.fps.avg).toBe(10);
    expect(result.audio.present).toBe(true);
  });

  it("reports unreachable for a refused port", async () => {
    const port = await findClosedPort();
    await expect(probeStream(`rtsp://127.0.0.1:${port}/live`, { timeoutMs: 2000 })).rejects.toMatchObject({
      code: "unreachable",
    });
  });

  it("times out on a silent port with ffmpeg's own -timeout", async () => {
    const silent = await startSilentTcpServer();
    const started = performance.now();
    await expect(
      probeStream(`rtsp://127.0.0.1:${silent.port}/live`, { timeoutMs: 800 }),
    ).rejects.toMatchObject({
      code: "timeout",
    });
    expect(performance.now() - started).toBeLessThan(5000);
    await silent.close();
  });

  it("kills the child when the kill deadline passes first, and leaves no process behind", async () => {
    const silent = await startSilentTcpServer();
    const childrenBefore = activeStreamProcessCount();
    const started = performance.now();
    const pids: number[] = [];
    const direct = runBounded({
      command: "ffprobe",
      args: [
        "-v",
        "error",
        "-rtsp_transport",
        "tcp",
        "-timeout",
        "60000000",
        "-i",
        `rtsp://127.0.0.1:${silent.port}/x`,
      ],
      killAfterMs: 700,
      onSpawn: (pid) => pids.push(pid),
    });
    const viaProbe = probeStream(`rtsp://127.0.0.1:${silent.port}/live`, {
      timeoutMs: 60_000,
      maxRunMs: 700,
    });
    await expect(viaProbe).rejects.toMatchObject({ code: "timeout" });
    const result = await direct;
    expect(result.killedForTimeout).toBe(true);
    expect(result.signal).toBe("SIGKILL");
    expect(performance.now() - started).toBeLessThan(3000);
    expect(pids.every((pid) => !isAlive(pid))).toBe(true);
    expect(activeStreamProcessCount()).toBe(childrenBefore);
    await silent.close();
  });

  it("rejects option-like or foreign-protocol inputs before spawning anything", async () => {
    for (const url of [
      "-i",
      "concat:/etc/passwd",
      "subfile,,start,0,end,10,,:/etc/passwd",
      "relative/path.mp4",
    ]) {
      await expect(probeStream(url)).rejects.toMatchObject({ code: "invalid_input" });
    }
    await expect(probeStream(file, { transport: "sctp" as "tcp" })).rejects.toMatchObject({
      code: "invalid_input",
    });
  });

  it("reports process_failed when ffprobe is missing", async () => {
    await expect(probeStream(file, { ffprobePath: "/nonexistent/ffprobe" })).rejects.toMatchObject({
      code: "process_failed",
    });
  });

  it("reports not_found for a missing file", async () => {
    await expect(probeStream("/nonexistent/cam.mp4")).rejects.toMatchObject({ code: "not_found" });
  });
});
