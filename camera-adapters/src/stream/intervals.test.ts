import { describe, expect, it } from "vitest";
import { emptyDecodeLog, readProgressText, readStderrLine } from "./decode-log.js";
import { longestIntervalSeconds, mergeIntervals, subtractIntervals } from "./intervals.js";
import { judgeSample } from "./sample-decode.js";

describe("interval arithmetic", () => {
  it("merges overlaps and subtracts covered parts", () => {
    expect(
      mergeIntervals([
        { start: 3, end: 4 },
        { start: 0, end: 1 },
        { start: 0.5, end: 2 },
      ]),
    ).toEqual([
      { start: 0, end: 2 },
      { start: 3, end: 4 },
    ]);
    expect(
      subtractIntervals(
        [{ start: 0, end: 10 }],
        [
          { start: 2, end: 3 },
          { start: 9, end: 12 },
        ],
      ),
    ).toEqual([
      { start: 0, end: 2 },
      { start: 3, end: 9 },
    ]);
    expect(
      longestIntervalSeconds([
        { start: 0, end: 1 },
        { start: 2, end: 4.5 },
      ]),
    ).toBe(2.5);
  });
});

// Lines as ffmpeg 5.1 prints them at -loglevel verbose (recorded from this module's runs).
const blackThenFrozenLog = [
  "[blackdetect @ 0x55fcf7c9c540] black_min_duration:0.1 pixel_black_th:0.100000 pixel_black_th_i:37 picture_black_ratio_th:0.980000",
  "[freezedetect @ 0x55fcf7c9cbc0] lavfi.freezedetect.freeze_start: 0",
  "[blackdetect @ 0x55fcf7c9c540] black_start:0 black_end:2 black_duration:2",
  "  Input stream #0:0 (video): 61 packets read (20480 bytes); 60 frames decoded; ",
  "  Output stream #0:0 (video): 60 frames encoded; 60 packets muxed (28320 bytes); ",
];

describe("judgeSample", () => {
  it("counts a freeze that covers black only as black, and the rest as frozen", () => {
    const log = emptyDecodeLog();
    for (const line of blackThenFrozenLog) readStderrLine(log, line);
    readProgressText(
      log,
      "frame=55\nout_time_us=5500000\nprogress=continue\nframe=60\nout_time_us=6000000\nprogress=end\n",
    );
    const result = judgeSample(log, 6, { minFraction: 0.5, minSeconds: 3 });
    expect(result.blackIntervals).toEqual([{ start: 0, end: 2 }]);
    expect(result.frozenIntervals).toEqual([{ start: 2, end: 6 }]);
    expect(result.verdict).toBe("frozen");
    expect(result).toMatchObject({
      decodedFrames: 60,
      measuredFps: 10,
      blackFraction: 0.333,
      frozenFraction: 0.667,
    });
    expect(result.measuredBitrateKbps).toBeCloseTo((20480 * 8) / 6 / 1000, 2);
  });

  it("debounces: short black blips give no verdict unless they add up to the fraction", () => {
    const log = emptyDecodeLog();
    readStderrLine(log, "[blackdetect @ 0x1] black_start:1 black_end:2.5 black_duration:1.5");
    readStderrLine(log, "[blackdetect @ 0x1] black_start:4 black_end:5.5 black_duration:1.5");
    readProgressText(log, "frame=100\nout_time_us=10000000\n");
    expect(judgeSample(log, 10, { minFraction: 0.5, minSeconds: 2 }).verdict).toBe("ok");
    expect(judgeSample(log, 10, { minFraction: 0.3, minSeconds: 2 }).verdict).toBe("black");
    expect(judgeSample(log, 10, { minFraction: 0.9, minSeconds: 1.5 }).verdict).toBe("black");
  });

  it("says no_video when nothing was decoded", () => {
    expect(judgeSample(emptyDecodeLog(), 6).verdict).toBe("no_video");
  });
});
