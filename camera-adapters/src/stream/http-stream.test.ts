import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readJpegSize } from "./jpeg-info.js";
import { probeStream } from "./probe-stream.js";
import { takeSnapshot } from "./take-snapshot.js";
import {
  startTestHttpStreamServer,
  type TestHttpStreamServer,
} from "./test-streams/test-http-stream-server.js";
import { generateTestMediaFile, removeTestMedia } from "./test-streams/test-media-files.js";

describe("checks on HTTP-served streams", () => {
  let file: string;
  let server: TestHttpStreamServer;
  let secured: TestHttpStreamServer;
  beforeAll(async () => {
    file = await generateTestMediaFile({
      pattern: "normal",
      seconds: 2,
      width: 176,
      height: 144,
      container: "mpegts",
    });
    [server, secured] = await Promise.all([
      startTestHttpStreamServer(file),
      startTestHttpStreamServer(file, { basicAuth: { username: "viewer", password: "pw" } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([server?.close(), secured?.close()]);
    if (file) await removeTestMedia(file);
  });

  it("probes and snapshots an MPEG-TS stream over HTTP", async () => {
    const result = await probeStream(server.url, { timeoutMs: 3000, analyzeSeconds: 0.5 });
    expect(result).toMatchObject({ codec: "h264", width: 176, height: 144, formatName: "mpegts" });
    expect(readJpegSize(await takeSnapshot(server.url, { width: 88 }))).toEqual({ width: 88, height: 72 });
  });

  it("maps HTTP 401 and 404 to auth_failed and not_found", async () => {
    await expect(probeStream(secured.url, { timeoutMs: 3000 })).rejects.toMatchObject({
      code: "auth_failed",
    });
    const withCredentials = secured.url.replace("http://", "http://viewer:pw@");
    expect((await probeStream(withCredentials, { timeoutMs: 3000, analyzeSeconds: 0.5 })).codec).toBe("h264");
    await expect(
      probeStream(server.url.replace("stream.ts", "nope.ts"), { timeoutMs: 3000 }),
    ).rejects.toMatchObject({
      code: "not_found",
    });
  });
});
