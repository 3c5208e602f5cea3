/**
 * Stream checks of a small fleet of test RTSP cameras: every camera probed twice (as a
 * poller would with a probe and a snapshot), sequentially vs through StreamCheckLimiter
 * (global limit, one session per camera). Each check is a real ffprobe process against the
 * in-process RTSP relay, so the ratio shows what the limiter buys while never opening two
 * sessions on one camera. A second pair does the same for the shallow RTSP DESCRIBE.
 */
import {
  probeStream,
  rtspDescribe,
  StreamCheckLimiter,
  startTestRtspServer,
  type TestRtspServer,
} from "../camera-adapters/src/stream/index.js";
import type { BenchResult } from "./support/bench-types.js";

const cameraCount = 4;
const probesPerCamera = 2;
const describesPerCamera = 25;
const probeOptions = { timeoutMs: 5000, analyzeSeconds: 0.5, measureSeconds: 0 };

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

function checks(cameras: readonly TestRtspServer[], perCamera: number): Array<{ key: string; url: string }> {
  return Array.from({ length: perCamera }, () =>
    cameras.map((c, i) => ({ key: `camera-${i}`, url: c.url })),
  ).flat();
}

export async function run(): Promise<BenchResult[]> {
  const cameras = await Promise.all(
    Array.from({ length: cameraCount }, () =>
      startTestRtspServer({ width: 320, height: 240, fps: 15, maxSessions: 1 }),
    ),
  );
  try {
    const probes = checks(cameras, probesPerCamera);
    const sequentialProbeMs = await timed(async () => {
      for (const check of probes) await probeStream(check.url, probeOptions);
    });
    const limiter = new StreamCheckLimiter({ globalConcurrency: cameraCount, perKeyConcurrency: 1 });
    const limitedProbeMs = await timed(() =>
      Promise.all(probes.map((c) => limiter.run(c.key, () => probeStream(c.url, probeOptions)))),
    );
    const peak = Math.max(...cameras.map((c) => c.peakSessions));

    const describes = checks(cameras, describesPerCamera);
    const sequentialDescribeMs = await timed(async () => {
      for (const check of describes) await rtspDescribe(check.url, { timeoutMs: 2000 });
    });
    const limitedDescribeMs = await timed(() =>
      Promise.all(describes.map((c) => limiter.run(c.key, () => rtspDescribe(c.url, { timeoutMs: 2000 })))),
    );

    const perCheck = (ms: number, n: number) => Math.round((ms / n) * 10) / 10;
    return [
      {
        name: "stream-check.probe.limited",
        value: perCheck(limitedProbeMs, probes.length),
        unit: "ms/check",
        baseline: {
          name: "stream-check.probe.sequential",
          value: perCheck(sequentialProbeMs, probes.length),
        },
        ratio: Math.round((sequentialProbeMs / limitedProbeMs) * 100) / 100,
        note: `${probes.length} ffprobe checks on ${cameraCount} cameras; peak sessions per camera ${peak}`,
      },
      {
        name: "stream-check.describe.limited",
        value: perCheck(limitedDescribeMs, describes.length),
        unit: "ms/check",
        baseline: {
          name: "stream-check.describe.sequential",
          value: perCheck(sequentialDescribeMs, describes.length),
        },
        ratio: Math.round((sequentialDescribeMs / limitedDescribeMs) * 100) / 100,
        // Loopback answers in microseconds, so concurrency cannot hide latency here; on a real
        // camera network (tens of ms per round trip) the limited run wins like the probes do.
        note: `${describes.length} RTSP DESCRIBE checks on ${cameraCount} loopback cameras (no network latency)`,
      },
    ];
  } finally {
    await Promise.all(cameras.map((c) => c.close()));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run(), null, 2));
}
