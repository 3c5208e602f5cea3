import { describe, expect, it } from "vitest";
import { parseFrameRate, summarisePackets } from "./probe-measure.js";
import { interpretFfprobeOutput } from "./probe-stream.js";

describe("parseFrameRate", () => {
  it("reads ffprobe rationals", () => {
    expect(parseFrameRate("30000/1001")).toBe(29.97);
    expect(parseFrameRate("25/1")).toBe(25);
    expect(parseFrameRate("0/0")).toBeNull();
    expect(parseFrameRate("abc")).toBeNull();
    expect(parseFrameRate(undefined)).toBeNull();
  });
});

describe("summarisePackets", () => {
  it("derives fps and bitrate from timestamps and sizes", () => {
    const packets = Array.from({ length: 26 }, (_, i) => ({ pts_time: (i * 0.04).toFixed(6), size: "5000" }));
    expect(summarisePackets(packets)).toEqual({ fps: 25, bitrateKbps: 1000, seconds: 1.04 });
  });

  it("needs at least two timestamps", () => {
    expect(summarisePackets([{ pts_time: "1.0", size: "10" }]).fps).toBeNull();
    expect(summarisePackets([{ size: "10" }, { size: "10" }]).bitrateKbps).toBeNull();
  });
});

describe("interpretFfprobeOutput", () => {
  it("prefers declared stream bitrate, then container, then measured", () => {
    const base = {
      streams: [
        {
          index: 0,
          codec_type: "video",
          codec_name: "hevc",
          width: 1920,
          height: 1080,
          r_frame_rate: "50/1",
        },
      ],
      packets: [
        { stream_index: 0, pts_time: "0.0", size: "10000" },
        { stream_index: 0, pts_time: "0.04", size: "10000" },
      ],
    };
    expect(interpretFfprobeOutput(base)).toMatchObject({
      bitrateSource: "measured",
      fps: { r: 50, measured: 25 },
    });
    expect(interpretFfprobeOutput({ ...base, format: { bit_rate: "4000000" } })).toMatchObject({
      bitrateKbps: 4000,
      bitrateSource: "container",
    });
  });

  it("throws no_video when there is no video stream", () => {
    expect(() =>
      interpretFfprobeOutput({ streams: [{ index: 0, codec_type: "audio" }], packets: [] }),
    ).toThrow(expect.objectContaining({ code: "no_video" }));
  });
});
