import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findClosedPort, startSilentTcpServer } from "../test-streams/silent-servers.js";
import { startTestRtspServer, type TestRtspServer } from "../test-streams/test-rtsp-server.js";
import { parseAuthParams } from "./rtsp-auth.js";
import { rtspDescribe, rtspOptions } from "./rtsp-check.js";

describe("rtspOptions / rtspDescribe against the test RTSP server", () => {
  let open: TestRtspServer;
  let digest: TestRtspServer;
  beforeAll(async () => {
    [open, digest] = await Promise.all([
      startTestRtspServer({ width: 160, height: 120, fps: 10, withAudio: true }),
      startTestRtspServer({
        width: 160,
        height: 120,
        fps: 10,
        auth: { scheme: "digest", username: "admin", password: "Abc12345", qop: true },
      }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([open?.close(), digest?.close()]);
  });

  it("lists the server's methods with OPTIONS", async () => {
    const result = await rtspOptions(open.url, { timeoutMs: 2000 });
    expect(result.status).toBe(200);
    expect(result.methods).toEqual(expect.arrayContaining(["DESCRIBE", "SETUP", "PLAY"]));
    expect(result.authRequired).toBe(false);
  });

  it("reads the media and codecs from DESCRIBE", async () => {
    const result = await rtspDescribe(open.url, { timeoutMs: 2000 });
    expect(result.contentBase).toBe(`${open.url}/`);
    expect(result.sdp.media.map((m) => [m.type, m.codec])).toEqual([
      ["video", "h264"],
      ["audio", "pcm_alaw"],
    ]);
    expect(result.sdp.media[0]?.fmtp["sprop-parameter-sets"]).toMatch(/^[A-Za-z0-9+/=]+,[A-Za-z0-9+/=]+$/);
    expect(result.auth).toBe("none");
  });

  it("answers Digest (with qop) using credentials from options or the URL", async () => {
    const withOptions = await rtspDescribe(digest.url, { username: "admin", password: "Abc12345" });
    expect(withOptions.auth).toBe("digest");
    const inUrl = digest.url.replace("rtsp://", "rtsp://admin:Abc12345@");
    expect((await rtspDescribe(inUrl)).sdp.media[0]?.codec).toBe("h264");
    const lastDescribe = digest.requests.filter((r) => r.method === "DESCRIBE").at(-1);
    expect(lastDescribe?.uri).toBe(digest.url);
    expect(lastDescribe?.authorization).toMatch(/^Digest .*qop=auth/);
  });

  it("reports auth_failed for wrong or missing credentials", async () => {
    await expect(rtspDescribe(digest.url, { username: "admin", password: "wrong" })).rejects.toMatchObject({
      code: "auth_failed",
    });
    await expect(rtspDescribe(digest.url)).rejects.toMatchObject({ code: "auth_failed" });
  });

  it("reports not_found for an unknown path", async () => {
    await expect(rtspDescribe(open.url.replace("/live", "/Streaming/Channels/102"))).rejects.toMatchObject({
      code: "not_found",
    });
  });
});

describe("rtspDescribe against a camera-like Digest server", () => {
  // Behaves like the Hikvision 401 in google/ExoPlayer issue #9800: offers Digest and Basic,
  // and (like some firmwares) closes the connection after a 401.
  let server: net.Server;
  let port: number;
  const nonce = randomBytes(16).toString("hex");
  const realm = "IP Camera(C1214)";
  const md5 = (text: string) => createHash("md5").update(text).digest("hex");
  beforeAll(async () => {
    server = net.createServer((socket) => {
      socket.on("data", (chunk) => {
        const text = chunk.toString("latin1");
        const [method = "", uri = ""] = text.split(" ");
        const cseq = /CSeq:\s*(\d+)/i.exec(text)?.[1] ?? "0";
        const auth = /Authorization:\s*Digest (.*)\r\n/i.exec(text)?.[1];
        const params = parseAuthParams(auth ?? "");
        const expected = md5(`${md5(`admin:${realm}:12345`)}:${nonce}:${md5(`${method}:${uri}`)}`);
        if (auth && params.get("response") === expected && params.get("uri") === uri) {
          const sdp =
            "v=0\r\ns=Media Presentation\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H265/90000\r\na=control:trackID=1\r\n";
          socket.write(
            `RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nContent-Type: application/sdp\r\nContent-Length: ${sdp.length}\r\n\r\n${sdp}`,
          );
          return;
        }
        socket.end(
          `RTSP/1.0 401 Unauthorized\r\nCSeq: ${cseq}\r\nWWW-Authenticate: Digest realm="${realm}", nonce="${nonce}", stale="FALSE"\r\nWWW-Authenticate: Basic realm="${realm}"\r\nDate:  Tue, Dec 21 2021 12:08:36 GMT\r\n\r\n`,
        );
      });
      socket.on("error", () => socket.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("reconnects after the 401 and authenticates with Digest", async () => {
    const result = await rtspDescribe(`rtsp://127.0.0.1:${port}/Streaming/Channels/101`, {
      username: "admin",
      password: "12345",
      timeoutMs: 2000,
    });
    expect(result.auth).toBe("digest");
    expect(result.sdp.media[0]?.codec).toBe("hevc");
  });

  it("fails with auth_failed on a wrong password", async () => {
    const attempt = rtspDescribe(`rtsp://127.0.0.1:${port}/x`, {
      username: "admin",
      password: "nope",
      timeoutMs: 2000,
    });
    await expect(attempt).rejects.toMatchObject({ code: "auth_failed" });
  });

  it("reports an OPTIONS 401 without credentials as authRequired, not an error", async () => {
    const result = await rtspOptions(`rtsp://127.0.0.1:${port}/x`, { timeoutMs: 2000 });
    expect(result).toMatchObject({ status: 401, authRequired: true });
  });
});

describe("RTSP check failures", () => {
  it("times out on a port that accepts and never answers", async () => {
    const silent = await startSilentTcpServer();
    const started = performance.now();
    await expect(
      rtspOptions(`rtsp://127.0.0.1:${silent.port}/live`, { timeoutMs: 400 }),
    ).rejects.toMatchObject({
      code: "timeout",
    });
    expect(performance.now() - started).toBeLessThan(1500);
    await silent.close();
  });

  it("reports unreachable for a refused connection", async () => {
    const port = await findClosedPort();
    await expect(rtspDescribe(`rtsp://127.0.0.1:${port}/live`, { timeoutMs: 1000 })).rejects.toMatchObject({
      code: "unreachable",
    });
  });

  it("reports bad_response when something else answers on the port", async () => {
    const web = http.createServer((_req, res) => res.end("hello"));
    await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
    const { port } = web.address() as net.AddressInfo;
    await expect(rtspOptions(`rtsp://127.0.0.1:${port}/`, { timeoutMs: 1000 })).rejects.toMatchObject({
      code: "bad_response",
    });
    await new Promise<void>((resolve) => web.close(() => resolve()));
  });

  it("rejects a non-RTSP URL and bad options with invalid_input", async () => {
    await expect(rtspOptions("http://127.0.0.1/")).rejects.toMatchObject({ code: "invalid_input" });
    await expect(rtspOptions("rtsp://127.0.0.1/", { timeoutMs: -1 })).rejects.toMatchObject({
      code: "invalid_input",
    });
  });
});
