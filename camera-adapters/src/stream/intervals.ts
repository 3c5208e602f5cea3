/** A span of the sample in seconds on ffmpeg's output timeline. */
export interface TimeInterval {
  start: number;
  end: number;
}

export function intervalSeconds(intervals: readonly TimeInterval[]): number {
  return round3(intervals.reduce((sum, i) => sum + Math.max(0, i.end - i.start), 0));
}

export function longestIntervalSeconds(intervals: readonly TimeInterval[]): number {
  return round3(intervals.reduce((max, i) => Math.max(max, i.end - i.start), 0));
}

/** Sorted union: overlapping or touching intervals merge into one. */
export function mergeIntervals(intervals: readonly TimeInterval[]): TimeInterval[] {
  const sorted = [...intervals].filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const merged: TimeInterval[] = [];
  for (const interval of sorted) {
    const last = merged.at(-1);
    if (last && interval.start <= last.end) last.end = Math.max(last.end, interval.end);
    else merged.push({ ...interval });
  }
  return merged;
}

/** Parts of `from` not covered by any interval in `remove`. */
export function subtractIntervals(
  from: readonly TimeInterval[],
  remove: readonly TimeInterval[],
): TimeInterval[] {
  const cuts = mergeIntervals(remove);
  const result: TimeInterval[] = [];
  for (const interval of mergeIntervals(from)) {
    let cursor = interval.start;
    for (const cut of cuts) {
      if (cut.end <= cursor || cut.start >= interval.end) continue;
      if (cut.start > cursor) result.push({ start: cursor, end: cut.start });
      cursor = Math.max(cursor, cut.end);
    }
    if (cursor < interval.end) result.push({ start: cursor, end: interval.end });
  }
  return result;
}

export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
