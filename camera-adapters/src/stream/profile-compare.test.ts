import { describe, expect, it } from "vitest";
import { compareWithProfile, normaliseCodec } from "./profile-compare.js";

const observed = {
  codec: "h264",
  width: 1920,
  height: 1080,
  fps: { avg: null, r: 50, measured: 12 },
  bitrateKbps: 900,
};

describe("compareWithProfile", () => {
  it("lists every deviation with expected and actual values", () => {
    const deviations = compareWithProfile(observed, {
      codec: "H265",
      width: 2560,
      height: 1440,
      fps: 25,
      bitrateKbps: 4096,
    });
    expect(deviations).toEqual([
      { kind: "codec_mismatch", expected: "hevc", actual: "h264" },
      {
        kind: "resolution_mismatch",
        expected: { width: 2560, height: 1440 },
        actual: { width: 1920, height: 1080 },
      },
      { kind: "low_fps", expected: 25, actual: 12 },
      { kind: "low_bitrate", expected: 4096, actual: 900 },
    ]);
  });

  it("passes a stream that meets the profile within thresholds", () => {
    const fine = { ...observed, height: 1088, fps: { measured: 21 }, bitrateKbps: 2100 };
    expect(
      compareWithProfile(fine, { codec: "H.264", width: 1920, height: 1080, fps: 25, bitrateKbps: 4096 }),
    ).toEqual([]);
    expect(compareWithProfile(fine, { fps: 25 }, { minFpsRatio: 0.9 })).toEqual([
      { kind: "low_fps", expected: 25, actual: 21 },
    ]);
  });

  it("does not flag what was not measured, and prefers measured fps over r_frame_rate", () => {
    const unknown = { ...observed, fps: { avg: null, r: null, measured: null }, bitrateKbps: null };
    expect(compareWithProfile(unknown, { fps: 25, bitrateKbps: 2048 })).toEqual([]);
    expect(compareWithProfile({ ...observed, fps: { r: 50, measured: null } }, { fps: 25 })).toEqual([]);
  });

  it("normalises codec names from ONVIF, ffprobe and humans", () => {
    expect(["H264", "h.264", "AVC", "avc1"].map(normaliseCodec)).toEqual(["h264", "h264", "h264", "h264"]);
    expect(["H265", "HEVC", "hvc1"].map(normaliseCodec)).toEqual(["hevc", "hevc", "hevc"]);
  });

  it("rejects a nonsense profile", () => {
    expect(() => compareWithProfile(observed, { width: -1 })).toThrow();
  });
});
