import { randomBytes } from "node:crypto";
import dgram from "node:dgram";
import net from "node:net";
import { runBounded } from "../bounded-process.js";
import { type AuthChallenge, digestResponse, parseAuthParams } from "../rtsp/rtsp-auth.js";
import {
  headerValue,
  type RtspMessage,
  RtspMessageReader,
  serializeRtspMessage,
} from "../rtsp/rtsp-message.js";
import { type BlipSpec, lavfiSource, type TestPattern } from "./test-patterns.js";

export interface TestRtspServerOptions {
  pattern?: TestPattern;
  width?: number;
  height?: number;
  fps?: number;
  blip?: BlipSpec;
  withAudio?: boolean;
  /** Stream path, "/live" by default; any other path answers 404. */
  path?: string;
  auth?: { scheme: "digest" | "basic"; username: string; password: string; realm?: string; qop?: boolean };
  /** Concurrent media sessions allowed, like a camera's RTSP session limit (453 beyond it). */
  maxSessions?: number;
  ffmpegPath?: string;
}

export interface TestRtspServer {
  url: string;
  port: number;
  /** Every request received, for assertions (method, URI, whether it carried credentials). */
  requests: Array<{ method: string; uri: string; authorization: string | null }>;
  /** Highest number of simultaneous media sessions seen. */
  peakSessions: number;
  close(): Promise<void>;
}

interface Track {
  channel: number;
  control: string;
  rtp: dgram.Socket;
  rtcp: dgram.Socket;
}

interface ClientSession {
  id: string;
  socket: net.Socket;
  outputs: Map<number, { kind: "tcp"; channel: number } | { kind: "udp"; host: string; port: number }>;
  playing: boolean;
}

/**
 * A small RTSP server for tests and the demo. Debian's ffmpeg cannot serve RTSP to players
 * (its `-rtsp_flags listen` is input-only: it accepts one publisher, not viewers), so ffmpeg
 * encodes a lavfi pattern to plain RTP on loopback and this server relays those packets to
 * each RTSP client, interleaved over TCP or as UDP. It answers OPTIONS, DESCRIBE, SETUP,
 * PLAY, GET_PARAMETER and TEARDOWN, with optional Basic or Digest authentication.
 */
export async function startTestRtspServer(options: TestRtspServerOptions = {}): Promise<TestRtspServer> {
  const path = options.path ?? "/live";
  const tracks = await openTracks(options.withAudio ? 2 : 1);
  const encoder = startEncoder(options, tracks);
  const sessions = new Set<ClientSession>();
  const requests: TestRtspServer["requests"] = [];
  const nonce = randomBytes(16).toString("hex");
  let peakSessions = 0;
  let sdp: string;
  try {
    sdp = servedSdp(await encoder.sdp, tracks);
  } catch (error) {
    encoder.stop();
    closeTracks(tracks);
    throw error;
  }
  forwardPackets(tracks, sessions);

  const connections = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections.add(socket);
    const reader = new RtspMessageReader();
    const session: ClientSession = {
      id: randomBytes(6).toString("hex"),
      socket,
      outputs: new Map(),
      playing: false,
    };
    socket.on("data", (chunk: Buffer) => {
      let messages: RtspMessage[];
      try {
        messages = reader.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const message of messages) handle(message, session);
    });
    socket.on("error", () => socket.destroy());
    socket.on("close", () => {
      sessions.delete(session);
      connections.delete(socket);
    });
  });

  const handle = (message: RtspMessage, session: ClientSession) => {
    const [method = "", uri = ""] = message.startLine.split(" ");
    const authorization = headerValue(message, "authorization") ?? null;
    requests.push({ method, uri, authorization });
    const cseq = headerValue(message, "cseq") ?? "0";
    const reply = (status: string, headers: Record<string, string | number> = {}, body = "") =>
      session.socket.write(
        serializeRtspMessage(
          `RTSP/1.0 ${status}`,
          { CSeq: cseq, Server: "GridOps test RTSP", ...headers },
          body,
        ),
      );
    if (method === "OPTIONS") {
      reply("200 OK", { Public: "OPTIONS, DESCRIBE, SETUP, PLAY, GET_PARAMETER, TEARDOWN" });
      return;
    }
    if (options.auth && !isAuthorized(options.auth, nonce, method, authorization)) {
      reply("401 Unauthorized", { "WWW-Authenticate": challengeHeader(options.auth, nonce) });
      return;
    }
    const requestPath = pathOf(uri);
    const track = tracks.find((t) => requestPath === `${path}/${t.control}`);
    if (requestPath !== path && !track) {
      reply("404 Not Found");
      return;
    }
    const base = `rtsp://127.0.0.1:${port}${path}/`;
    switch (method) {
      case "DESCRIBE":
        reply("200 OK", { "Content-Type": "application/sdp", "Content-Base": base }, sdp);
        return;
      case "SETUP": {
        if (!sessions.has(session) && sessions.size >= (options.maxSessions ?? Number.POSITIVE_INFINITY)) {
          reply("453 Not Enough Bandwidth");
          return;
        }
        const setup = setupTransport(headerValue(message, "transport") ?? "", track ?? tracks[0]!, session);
        if (!setup) {
          reply("461 Unsupported Transport");
          return;
        }
        sessions.add(session);
        peakSessions = Math.max(peakSessions, sessions.size);
        reply("200 OK", { Session: `${session.id};timeout=60`, Transport: setup });
        return;
      }
      case "PLAY":
        session.playing = true;
        reply("200 OK", { Session: session.id, Range: "npt=0.000-" });
        return;
      case "GET_PARAMETER":
      case "SET_PARAMETER":
        reply("200 OK", { Session: session.id });
        return;
      case "TEARDOWN":
        session.playing = false;
        sessions.delete(session);
        reply("200 OK", { Session: session.id });
        return;
      default:
        reply("501 Not Implemented");
    }
  };

  const setupTransport = (header: string, track: Track, session: ClientSession): string | null => {
    const params = new Map<string, string>();
    for (const part of header.split(";")) {
      const [name = "", value = ""] = part.trim().split("=");
      params.set(name, value);
    }
    if (header.includes("RTP/AVP/TCP")) {
      const channel = Number((params.get("interleaved") ?? `${track.channel * 2}`).split("-")[0]);
      session.outputs.set(track.channel, { kind: "tcp", channel });
      return `RTP/AVP/TCP;unicast;interleaved=${channel}-${channel + 1}`;
    }
    const clientPort = Number((params.get("client_port") ?? "").split("-")[0]);
    if (!clientPort) return null;
    const host = session.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "127.0.0.1";
    session.outputs.set(track.channel, { kind: "udp", host, port: clientPort });
    const serverPort = track.rtp.address().port;
    return `RTP/AVP;unicast;client_port=${clientPort}-${clientPort + 1};server_port=${serverPort}-${serverPort + 1}`;
  };

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    url: `rtsp://127.0.0.1:${port}${path}`,
    port,
    requests,
    get peakSessions() {
      return peakSessions;
    },
    async close() {
      for (const socket of connections) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      encoder.stop();
      await encoder.exited;
      closeTracks(tracks);
    },
  };
}

async function openTracks(count: number): Promise<Track[]> {
  const tracks: Track[] = [];
  for (let channel = 0; channel < count; channel += 1) {
    const rtp = await bindUdp();
    const rtcp = await bindUdp();
    tracks.push({ channel, control: `trackID=${channel}`, rtp, rtcp });
  }
  return tracks;
}

function bindUdp(): Promise<dgram.Socket> {
  const socket = dgram.createSocket("udp4");
  return new Promise((resolve) => socket.bind(0, "127.0.0.1", () => resolve(socket)));
}

function closeTracks(tracks: readonly Track[]): void {
  for (const track of tracks) {
    track.rtp.close();
    track.rtcp.close();
  }
}

function forwardPackets(tracks: readonly Track[], sessions: Set<ClientSession>): void {
  for (const track of tracks) {
    const relay = (packet: Buffer, rtcp: boolean) => {
      for (const session of sessions) {
        const output = session.outputs.get(track.channel);
        if (!session.playing || !output) continue;
        if (output.kind === "udp") {
          track.rtp.send(packet, output.port + (rtcp ? 1 : 0), output.host);
        } else if (session.socket.writableLength < 2 * 1024 * 1024) {
          // Like a camera, drop rather than buffer without bound for a slow reader.
          const header = Buffer.from([
            0x24,
            output.channel + (rtcp ? 1 : 0),
            packet.length >> 8,
            packet.length & 0xff,
          ]);
          session.socket.write(Buffer.concat([header, packet]));
        }
      }
    };
    track.rtp.on("message", (packet) => relay(packet, false));
    track.rtcp.on("message", (packet) => relay(packet, true));
  }
}

interface Encoder {
  sdp: Promise<string>;
  exited: Promise<unknown>;
  stop(): void;
}

function startEncoder(options: TestRtspServerOptions, tracks: readonly Track[]): Encoder {
  const shape = { width: options.width ?? 320, height: options.height ?? 240, fps: options.fps ?? 15 };
  const rtpUrl = (track: Track) =>
    `rtp://127.0.0.1:${track.rtp.address().port}?rtcpport=${track.rtcp.address().port}&pkt_size=1200`;
  const audio = tracks[1];
  const args = [
    ...["-hide_banner", "-nostdin", "-loglevel", "error", "-re", "-f", "lavfi"],
    ...["-i", lavfiSource(options.pattern ?? "normal", shape, options.blip)],
    ...(audio ? ["-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000"] : []),
    ...[
      "-map",
      "0:v",
      "-c:v",
      "libx264",
      "-preset",
      "ultrafast",
      "-tune",
      "zerolatency",
      "-pix_fmt",
      "yuv420p",
    ],
    // Keyframe every second so a client joining mid-stream decodes within a second.
    ...["-g", String(shape.fps), "-flags", "+global_header", "-bsf:v", "dump_extra=freq=keyframe"],
    ...["-f", "rtp", rtpUrl(tracks[0]!)],
    ...(audio ? ["-map", "1:a", "-c:a", "pcm_alaw", "-f", "rtp", rtpUrl(audio)] : []),
  ];
  let resolveSdp: (sdp: string) => void = () => {};
  let rejectSdp: (error: Error) => void = () => {};
  const sdp = new Promise<string>((resolve, reject) => {
    resolveSdp = resolve;
    rejectSdp = reject;
  });
  let stdoutText = "";
  let pid: number | undefined;
  const exited = runBounded({
    // Through a watchdog shell: the encoder runs for as long as the server does, and must die
    // with it even when this process is SIGKILLed (a crash test does that to the demo).
    command: "sh",
    args: ["-c", ENCODER_WATCHDOG, "watchdog", String(process.pid), options.ffmpegPath ?? "ffmpeg", ...args],
    // A test server lives for one test file; an hour is only a backstop against leaks.
    killAfterMs: 3_600_000,
    onSpawn: (childPid) => {
      pid = childPid;
    },
    onStdout: (chunk) => {
      stdoutText += chunk.toString("utf8");
      const mediaCount = (stdoutText.match(/^m=/gm) ?? []).length;
      if (mediaCount >= tracks.length && /a=rtpmap:[^\n]*\n[\s\S]*$/.test(stdoutText)) {
        setTimeout(() => resolveSdp(stdoutText.replace(/^SDP:\s*/m, "")), 50);
      }
    },
  }).then((result) => {
    rejectSdp(
      new Error(`test RTSP encoder exited before producing an SDP: ${result.stderrTail.slice(-400)}`),
    );
    return result;
  });
  return {
    sdp,
    exited,
    stop: () => {
      if (pid !== undefined) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    },
  };
}

/**
 * Runs "$@" and kills it within a second once either this Node process ($1) or the shell
 * itself (killed by stop()) is gone, so no encoder outlives its owner.
 */
const ENCODER_WATCHDOG = `owner=$1; shift
"$@" & child=$!
( while kill -0 "$owner" 2>/dev/null && kill -0 $$ 2>/dev/null; do sleep 1; done; kill -9 "$child" 2>/dev/null ) &
wait "$child"`;

/** ffmpeg's SDP describes its loopback RTP target; rewrite it into what a camera serves. */
function servedSdp(encoderSdp: string, tracks: readonly Track[]): string {
  const lines = encoderSdp.split(/\r?\n/).filter((line) => line.length > 0 && !line.startsWith("a=tool"));
  const out: string[] = [];
  let mediaIndex = -1;
  for (const line of lines) {
    if (line.startsWith("s=")) out.push("s=GridOps test stream");
    else if (line.startsWith("c=")) out.push("c=IN IP4 0.0.0.0");
    else if (line.startsWith("m=")) {
      if (mediaIndex === -1) out.push("a=control:*");
      mediaIndex += 1;
      out.push(line.replace(/^m=(\w+) \d+/, "m=$1 0"));
      out.push(`a=control:${tracks[mediaIndex]?.control ?? `trackID=${mediaIndex}`}`);
    } else out.push(line);
  }
  return `${out.join("\r\n")}\r\n`;
}

function pathOf(uri: string): string {
  try {
    return new URL(uri).pathname.replace(/\/$/, "");
  } catch {
    return "";
  }
}

function challengeHeader(auth: NonNullable<TestRtspServerOptions["auth"]>, nonce: string): string {
  const realm = auth.realm ?? "IP Camera(GRIDOPS)";
  if (auth.scheme === "basic") return `Basic realm="${realm}"`;
  return `Digest realm="${realm}", nonce="${nonce}"${auth.qop ? ', qop="auth"' : ""}, stale="FALSE"`;
}

function isAuthorized(
  auth: NonNullable<TestRtspServerOptions["auth"]>,
  nonce: string,
  method: string,
  header: string | null,
): boolean {
  if (!header) return false;
  const credentials = { username: auth.username, password: auth.password };
  if (auth.scheme === "basic") {
    const expected = Buffer.from(`${auth.username}:${auth.password}`).toString("base64");
    return header === `Basic ${expected}`;
  }
  if (!header.startsWith("Digest ")) return false;
  const params = parseAuthParams(header.slice("Digest ".length));
  const challenge: AuthChallenge = {
    scheme: "digest",
    realm: auth.realm ?? "IP Camera(GRIDOPS)",
    nonce,
    opaque: undefined,
    qop: auth.qop ? "auth" : undefined,
    algorithm: "MD5",
    stale: false,
  };
  if (params.get("username") !== auth.username || params.get("nonce") !== nonce) return false;
  const expected = digestResponse({
    challenge,
    credentials,
    method,
    uri: params.get("uri") ?? "",
    nonceCount: Number.parseInt(params.get("nc") ?? "1", 16),
    cnonce: params.get("cnonce") ?? "",
  });
  return params.get("response") === expected;
}
