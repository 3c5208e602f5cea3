import { describe, expect, it } from "vitest";
import { headerValue, RtspFramingError, RtspMessageReader } from "./rtsp-message.js";

describe("RtspMessageReader", () => {
  it("reassembles a response split across chunks and keeps repeated headers", () => {
    const reader = new RtspMessageReader();
    const text =
      'RTSP/1.0 401 Unauthorized\r\nCSeq: 3\r\nWWW-Authenticate: Digest realm="a", nonce="b"\r\nWWW-Authenticate: Basic realm="a"\r\n\r\n';
    expect(reader.push(Buffer.from(text.slice(0, 20)))).toEqual([]);
    const [message] = reader.push(Buffer.from(text.slice(20)));
    expect(message?.startLine).toBe("RTSP/1.0 401 Unauthorized");
    expect(message?.headers.get("www-authenticate")).toHaveLength(2);
    expect(headerValue(message!, "CSeq")).toBe("3");
  });

  it("skips interleaved RTP frames between messages and reads bodies by Content-Length", () => {
    const reader = new RtspMessageReader();
    const rtp = Buffer.from([0x24, 0x00, 0x00, 0x03, 0x80, 0x60, 0x01]);
    const response = Buffer.from("RTSP/1.0 200 OK\r\nCSeq: 5\r\nContent-Length: 5\r\n\r\nv=0\r\n");
    const messages = reader.push(Buffer.concat([rtp, response, rtp]));
    expect(messages).toHaveLength(1);
    expect(messages[0]?.body.toString()).toBe("v=0\r\n");
  });

  it("refuses a header that never ends and an absurd Content-Length", () => {
    expect(() => new RtspMessageReader().push(Buffer.alloc(70_000, 0x41))).toThrow(RtspFramingError);
    expect(() =>
      new RtspMessageReader().push(Buffer.from("RTSP/1.0 200 OK\r\nContent-Length: 99999999\r\n\r\n")),
    ).toThrow(/Content-Length/);
  });
});
