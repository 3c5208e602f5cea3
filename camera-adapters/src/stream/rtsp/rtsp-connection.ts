import net from "node:net";
import tls from "node:tls";
import { StreamCheckError } from "../stream-errors.js";
import {
  headerValue,
  RtspFramingError,
  type RtspMessage,
  RtspMessageReader,
  serializeRtspMessage,
} from "./rtsp-message.js";

export interface RtspResponse {
  status: number;
  reason: string;
  message: RtspMessage;
}

const userAgent = "GridOps-camera-check/1.0";
const unreachableCodes = new Set([
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTDOWN",
]);

/**
 * One RTSP control connection with a single deadline for everything done on it. Requests
 * go one at a time (RTSP/1.0 cameras do not pipeline reliably) and are matched by CSeq.
 */
export class RtspConnection {
  private readonly socket: net.Socket;
  private readonly reader = new RtspMessageReader();
  private cseq = 0;
  private pending: { cseq: number; resolve: (r: RtspResponse) => void; reject: (e: unknown) => void } | null =
    null;
  private failure: StreamCheckError | null = null;
  private peerEnded = false;
  private readonly connected: Promise<void>;
  private rejectConnect: ((error: StreamCheckError) => void) | null = null;

  private constructor(host: string, port: number, secure: boolean, deadline: AbortSignal) {
    // Cameras ship self-signed certificates; this is a liveness check, and Digest never
    // sends the password itself (Basic is only used when the camera offers nothing else).
    this.socket = secure
      ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, rejectUnauthorized: false })
      : net.connect({ host, port });
    this.socket.setNoDelay(true);
    this.connected = new Promise<void>((resolve, reject) => {
      this.rejectConnect = reject;
      this.socket.once(secure ? "secureConnect" : "connect", () => {
        this.rejectConnect = null;
        resolve();
      });
    });
    this.socket.on("data", (chunk: Buffer) => this.onData(chunk));
    this.socket.on("error", (error) => this.fail(toConnectError(error, host, port)));
    this.socket.on("end", () => {
      this.peerEnded = true;
    });
    this.socket.on("close", () =>
      this.fail(
        new StreamCheckError("bad_response", "the camera closed the RTSP connection without answering", {
          details: { closedByPeer: true },
        }),
      ),
    );
    const onAbort = () =>
      this.fail(new StreamCheckError("timeout", "the camera did not answer the RTSP request in time"));
    if (deadline.aborted) onAbort();
    else deadline.addEventListener("abort", onAbort, { once: true });
  }

  static async open(url: URL, deadline: AbortSignal): Promise<RtspConnection> {
    const secure = url.protocol === "rtsps:";
    const port = Number(url.port || (secure ? 322 : 554));
    const connection = new RtspConnection(url.hostname.replace(/^\[|\]$/g, ""), port, secure, deadline);
    await connection.connected;
    return connection;
  }

  get isOpen(): boolean {
    return this.failure === null && !this.peerEnded && !this.socket.destroyed;
  }

  request(method: string, uri: string, headers: Record<string, string> = {}): Promise<RtspResponse> {
    if (this.failure) return Promise.reject(this.failure);
    this.cseq += 1;
    const cseq = this.cseq;
    const text = serializeRtspMessage(`${method} ${uri} RTSP/1.0`, {
      CSeq: cseq,
      "User-Agent": userAgent,
      ...headers,
    });
    return new Promise((resolve, reject) => {
      this.pending = { cseq, resolve, reject };
      this.socket.write(text);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    let messages: RtspMessage[];
    try {
      messages = this.reader.push(chunk);
    } catch (error) {
      const detail = error instanceof RtspFramingError ? error.message : "unreadable data";
      this.fail(new StreamCheckError("bad_response", `malformed RTSP response: ${detail}`, { cause: error }));
      return;
    }
    for (const message of messages) this.deliver(message);
  }

  private deliver(message: RtspMessage): void {
    const match = /^RTSP\/1\.\d\s+(\d{3})\s*(.*)$/.exec(message.startLine);
    if (!match) {
      const line = message.startLine.slice(0, 80);
      this.fail(
        new StreamCheckError("bad_response", `not an RTSP response: "${line}"`, { details: { line } }),
      );
      return;
    }
    const pending = this.pending;
    // A response whose CSeq is for an earlier request is a late answer; ignore it.
    if (!pending || Number(headerValue(message, "cseq") ?? pending.cseq) !== pending.cseq) return;
    this.pending = null;
    pending.resolve({ status: Number(match[1]), reason: match[2] ?? "", message });
  }

  private fail(error: StreamCheckError): StreamCheckError {
    this.failure ??= error;
    this.rejectConnect?.(this.failure);
    this.rejectConnect = null;
    this.pending?.reject(this.failure);
    this.pending = null;
    this.socket.destroy();
    return this.failure;
  }
}

/** True for the error a request gets when the camera hung up instead of answering. */
export function isClosedByPeer(error: unknown): boolean {
  return error instanceof StreamCheckError && error.details?.closedByPeer === true;
}

function toConnectError(error: unknown, host: string, port: number): StreamCheckError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? "";
  if (unreachableCodes.has(code)) {
    return new StreamCheckError("unreachable", `cannot connect to ${host}:${port} (${code})`, {
      cause: error,
      details: { errno: code },
    });
  }
  if (code === "ETIMEDOUT")
    return new StreamCheckError("timeout", `connection to ${host}:${port} timed out`, { cause: error });
  return new StreamCheckError(
    "bad_response",
    `RTSP connection to ${host}:${port} failed (${code || "error"})`,
    {
      cause: error,
    },
  );
}
