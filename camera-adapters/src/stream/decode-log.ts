import type { TimeInterval } from "./intervals.js";

/** What ffmpeg's stderr (at -loglevel verbose) and -progress output say about one decode. */
export interface DecodeLog {
  black: TimeInterval[];
  /** freezedetect intervals; `end` is null while a freeze is still open at the end of the sample. */
  freeze: Array<{ start: number; end: number | null }>;
  inputVideoBytes: number | null;
  inputVideoPackets: number | null;
  decodedFrames: number | null;
  /** From -progress: frames written and the output clock at the end. */
  outputFrames: number | null;
  outputSeconds: number | null;
}

export function emptyDecodeLog(): DecodeLog {
  return {
    black: [],
    freeze: [],
    inputVideoBytes: null,
    inputVideoPackets: null,
    decodedFrames: null,
    outputFrames: null,
    outputSeconds: null,
  };
}

const blackLine = /black_start:\s*(-?[\d.]+)\s+black_end:\s*(-?[\d.]+)/;
const freezeLine = /lavfi\.freezedetect\.freeze_(start|end):\s*(-?[\d.]+)/;
const inputStatsLine =
  /Input stream #\d+:\d+ \(video\): (\d+) packets read \((\d+) bytes\);(?: (\d+) frames decoded)?/;

/**
 * Folds one stderr line into the log. freezedetect reports start and end on separate lines
 * and never closes a freeze that lasts to the end of the input, so an open freeze is kept
 * with `end: null` for the caller to close at the sample's end.
 */
export function readStderrLine(log: DecodeLog, line: string): void {
  const black = blackLine.exec(line);
  if (black) {
    log.black.push({ start: Number(black[1]), end: Number(black[2]) });
    return;
  }
  const freeze = freezeLine.exec(line);
  if (freeze) {
    const time = Number(freeze[2]);
    const open = log.freeze.at(-1);
    if (freeze[1] === "start") log.freeze.push({ start: time, end: null });
    else if (open && open.end === null) open.end = time;
    return;
  }
  const stats = inputStatsLine.exec(line);
  // The first video input stream is the one we decode; later lines are outputs or audio.
  if (stats && log.inputVideoPackets === null) {
    log.inputVideoPackets = Number(stats[1]);
    log.inputVideoBytes = Number(stats[2]);
    log.decodedFrames = stats[3] !== undefined ? Number(stats[3]) : null;
  }
}

/** Folds ffmpeg `-progress` key=value output (the last report wins). */
export function readProgressText(log: DecodeLog, text: string): void {
  for (const match of text.matchAll(/^(frame|out_time_us)=(\d+)\s*$/gm)) {
    const value = Number(match[2]);
    if (match[1] === "frame") log.outputFrames = value;
    else log.outputSeconds = value / 1_000_000;
  }
}
