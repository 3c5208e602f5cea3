export interface PacketSample {
  pts_time?: string | undefined;
  dts_time?: string | undefined;
  size: string;
}

export interface PacketSummary {
  fps: number | null;
  bitrateKbps: number | null;
  seconds: number | null;
}

/** "30000/1001" → 29.97; "0/0" and garbage → null. */
export function parseFrameRate(rate: string | undefined): number | null {
  if (!rate) return null;
  const [num, den] = rate.split("/").map(Number);
  if (num === undefined || !Number.isFinite(num) || num <= 0) return null;
  const value = den === undefined ? num : den > 0 ? num / den : Number.NaN;
  return Number.isFinite(value) ? round2(value) : null;
}

/**
 * fps and bitrate from packet timestamps and sizes. Uses the span between the first and
 * last timestamp plus one frame interval, so N packets at rate R give exactly R.
 */
export function summarisePackets(packets: readonly PacketSample[]): PacketSummary {
  const times = packets
    .map((p) => Number(p.pts_time ?? p.dts_time))
    .filter((t) => Number.isFinite(t))
    .sort((a, b) => a - b);
  const first = times[0];
  const last = times.at(-1);
  if (times.length < 2 || first === undefined || last === undefined || last <= first) {
    return { fps: null, bitrateKbps: null, seconds: null };
  }
  const span = last - first;
  const fps = (times.length - 1) / span;
  const seconds = span + 1 / fps;
  const bytes = packets.reduce((sum, p) => sum + (Number(p.size) || 0), 0);
  return { fps: round2(fps), bitrateKbps: round2((bytes * 8) / seconds / 1000), seconds: round2(seconds) };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
