export interface RtspMessage {
  /** "RTSP/1.0 200 OK" for responses, "DESCRIBE rtsp://… RTSP/1.0" for requests. */
  startLine: string;
  /** Lower-case names; repeated headers (WWW-Authenticate) keep every value. */
  headers: Map<string, string[]>;
  body: Buffer;
}

export class RtspFramingError extends Error {
  override readonly name = "RtspFramingError";
}

const maxHeaderBytes = 64 * 1024;
const maxBodyBytes = 1024 * 1024;
const interleavedMarker = 0x24; // '$'

/**
 * Incremental reader for RTSP/1.0 messages on one TCP connection. Skips RTP/RTCP frames
 * interleaved on the same connection ("$", channel, 16-bit length) and refuses oversized
 * headers or bodies instead of buffering whatever a broken device sends.
 */
export class RtspMessageReader {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): RtspMessage[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const messages: RtspMessage[] = [];
    for (;;) {
      this.skipInterleavedFrames();
      const message = this.takeMessage();
      if (!message) return messages;
      messages.push(message);
    }
  }

  private skipInterleavedFrames(): void {
    while (this.buffer.length >= 4 && this.buffer[0] === interleavedMarker) {
      const frameLength = 4 + this.buffer.readUInt16BE(2);
      if (this.buffer.length < frameLength) return;
      this.buffer = this.buffer.subarray(frameLength);
    }
  }

  private takeMessage(): RtspMessage | null {
    if (this.buffer.length === 0 || this.buffer[0] === interleavedMarker) return null;
    const headerEnd = findHeaderEnd(this.buffer);
    if (headerEnd === null) {
      if (this.buffer.length > maxHeaderBytes) throw new RtspFramingError("RTSP header exceeds 64 KiB");
      return null;
    }
    const headerText = this.buffer.subarray(0, headerEnd.index).toString("latin1");
    const [startLine = "", ...headerLines] = headerText.split(/\r?\n/);
    const headers = parseHeaderLines(headerLines);
    const contentLength = Number(headers.get("content-length")?.[0] ?? "0");
    if (!Number.isInteger(contentLength) || contentLength < 0 || contentLength > maxBodyBytes) {
      throw new RtspFramingError(`bad Content-Length: ${headers.get("content-length")?.[0]}`);
    }
    const bodyStart = headerEnd.index + headerEnd.length;
    if (this.buffer.length < bodyStart + contentLength) return null;
    const body = Buffer.from(this.buffer.subarray(bodyStart, bodyStart + contentLength));
    this.buffer = this.buffer.subarray(bodyStart + contentLength);
    return { startLine: startLine.trim(), headers, body };
  }
}

function findHeaderEnd(buffer: Buffer): { index: number; length: number } | null {
  const crlf = buffer.indexOf("\r\n\r\n");
  const lf = buffer.indexOf("\n\n");
  if (crlf === -1 && lf === -1) return null;
  if (lf === -1 || (crlf !== -1 && crlf < lf)) return { index: crlf, length: 4 };
  return { index: lf, length: 2 };
}

function parseHeaderLines(lines: readonly string[]): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers.set(name, [...(headers.get(name) ?? []), value]);
  }
  return headers;
}

export function headerValue(message: RtspMessage, name: string): string | undefined {
  return message.headers.get(name.toLowerCase())?.[0];
}

export function serializeRtspMessage(
  startLine: string,
  headers: Record<string, string | number>,
  body = "",
): string {
  const lines = [startLine];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (body.length > 0) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join("\r\n")}\r\n\r\n${body}`;
}
