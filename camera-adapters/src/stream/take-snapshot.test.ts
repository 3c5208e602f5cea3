import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activeStreamProcessCount } from "./bounded-process.js";
import { readJpegSize } from "./jpeg-info.js";
import { takeSnapshot } from "./take-snapshot.js";
import { startSilentTcpServer } from "./test-streams/silent-servers.js";
import { generateTestMediaFile, removeTestMedia } from "./test-streams/test-media-files.js";
import { startTestRtspServer, type TestRtspServer } from "./test-streams/test-rtsp-server.js";

describe("takeSnapshot", () => {
  let camera: TestRtspServer;
  let file: string;
  beforeAll(async () => {
    [camera, file] = await Promise.all([
      startTestRtspServer({ width: 320, height: 240, fps: 10 }),
      generateTestMediaFile({ pattern: "normal", seconds: 1, width: 320, height: 180, fps: 10 }),
    ]);
  });
  afterAll(async () => {
    await camera?.close();
    if (file) await removeTestMedia(file);
  });

  it("returns a JPEG of the requested width from a file, keeping the aspect ratio", async () => {
    const jpeg = await takeSnapshot(file, { width: 96 });
    expect(jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(readJpegSize(jpeg)).toEqual({ width: 96, height: 54 });
  });

  it("returns a JPEG thumbnail from an RTSP stream", async () => {
    const jpeg = await takeSnapshot(camera.url, { width: 160, timeoutMs: 3000, analyzeSeconds: 0.5 });
    expect(readJpegSize(jpeg)).toEqual({ width: 160, height: 120 });
  });

  it("reports not_found for a wrong path and timeout for a silent camera", async () => {
    await expect(
      takeSnapshot(camera.url.replace("/live", "/sub"), { timeoutMs: 3000 }),
    ).rejects.toMatchObject({
      code: "not_found",
    });
    const silent = await startSilentTcpServer();
    const childrenBefore = activeStreamProcessCount(); // the test camera's own encoder
    try {
      await expect(
        takeSnapshot(`rtsp://127.0.0.1:${silent.port}/live`, { timeoutMs: 600 }),
      ).rejects.toMatchObject({
        code: "timeout",
      });
      expect(activeStreamProcessCount()).toBe(childrenBefore);
    } finally {
      await silent.close();
    }
  });
});
