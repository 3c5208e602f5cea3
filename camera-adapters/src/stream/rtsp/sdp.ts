export interface SdpMedia {
  type: string;
  port: number;
  protocol: string;
  payloadType: number | null;
  /** Raw encoding name from a=rtpmap (or the static payload table), e.g. "H264". */
  encodingName: string | null;
  /** ffmpeg's name for the codec, to compare with ffprobe results: h264, hevc, pcm_alaw… */
  codec: string | null;
  clockRate: number | null;
  channels: number | null;
  fmtp: Record<string, string>;
  control: string | null;
  /** From vendor attributes (a=framerate, a=x-dimensions, a=framesize) when present. */
  framerate: number | null;
  dimensions: { width: number; height: number } | null;
}

export interface SdpDescription {
  sessionName: string | null;
  control: string | null;
  media: SdpMedia[];
}

/** RFC 3551 static payload types cameras still use for audio and MJPEG. */
const staticPayloads: Record<number, { name: string; clockRate: number; channels?: number }> = {
  0: { name: "PCMU", clockRate: 8000, channels: 1 },
  8: { name: "PCMA", clockRate: 8000, channels: 1 },
  14: { name: "MPA", clockRate: 90000 },
  26: { name: "JPEG", clockRate: 90000 },
  32: { name: "MPV", clockRate: 90000 },
  33: { name: "MP2T", clockRate: 90000 },
};

const codecNames: Record<string, string> = {
  H264: "h264",
  H265: "hevc",
  HEVC: "hevc",
  JPEG: "mjpeg",
  "MP4V-ES": "mpeg4",
  MPV: "mpeg2video",
  MPA: "mp3",
  PCMA: "pcm_alaw",
  PCMU: "pcm_mulaw",
  "MPEG4-GENERIC": "aac",
  "MP4A-LATM": "aac",
  G726: "adpcm_g726",
  "G726-32": "adpcm_g726",
  G722: "adpcm_g722",
  OPUS: "opus",
  L16: "pcm_s16be",
  MP2T: "mpegts",
};

/** Tolerant SDP reader: unknown lines are ignored, a camera's odd attribute never fails the check. */
export function parseSdp(text: string): SdpDescription {
  const description: SdpDescription = { sessionName: null, control: null, media: [] };
  let current: SdpMedia | null = null;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    const type = line[0];
    if (line[1] !== "=" || type === undefined) continue;
    const value = line.slice(2);
    if (type === "s" && current === null) description.sessionName = value;
    else if (type === "m") {
      current = parseMediaLine(value);
      description.media.push(current);
    } else if (type === "a") {
      if (current) applyMediaAttribute(current, value);
      else if (value.startsWith("control:")) description.control = value.slice("control:".length);
    }
  }
  return description;
}

function parseMediaLine(value: string): SdpMedia {
  const [type = "", port = "0", protocol = "", firstFormat] = value.split(/\s+/);
  const payloadType = firstFormat !== undefined && /^\d+$/.test(firstFormat) ? Number(firstFormat) : null;
  const known = payloadType !== null ? staticPayloads[payloadType] : undefined;
  return {
    type,
    port: Number.parseInt(port, 10) || 0,
    protocol,
    payloadType,
    encodingName: known?.name ?? null,
    codec: known ? (codecNames[known.name] ?? null) : null,
    clockRate: known?.clockRate ?? null,
    channels: known?.channels ?? null,
    fmtp: {},
    control: null,
    framerate: null,
    dimensions: null,
  };
}

function applyMediaAttribute(media: SdpMedia, value: string): void {
  const colon = value.indexOf(":");
  const name = colon === -1 ? value : value.slice(0, colon);
  const rest = colon === -1 ? "" : value.slice(colon + 1).trim();
  if (name === "control") media.control = rest;
  else if (name === "rtpmap") applyRtpmap(media, rest);
  else if (name === "fmtp") media.fmtp = parseFmtp(rest);
  else if (name === "framerate") media.framerate = Number.parseFloat(rest) || null;
  else if (name === "x-dimensions") media.dimensions = parseDimensions(rest, ",");
  else if (name === "framesize") media.dimensions = parseDimensions(rest.split(/\s+/)[1] ?? "", "-");
}

function applyRtpmap(media: SdpMedia, rest: string): void {
  const match = /^(\d+)\s+([^/\s]+)\/(\d+)(?:\/(\d+))?/.exec(rest);
  if (!match || Number(match[1]) !== media.payloadType) return;
  const encodingName = match[2]!.toUpperCase();
  media.encodingName = match[2]!;
  media.codec = codecNames[encodingName] ?? encodingName.toLowerCase();
  media.clockRate = Number(match[3]);
  media.channels = match[4] !== undefined ? Number(match[4]) : media.type === "audio" ? 1 : null;
}

function parseFmtp(rest: string): Record<string, string> {
  const params: Record<string, string> = {};
  const body = rest.replace(/^\d+\s*/, "");
  for (const part of body.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    params[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).trim();
  }
  return params;
}

function parseDimensions(text: string, separator: string): { width: number; height: number } | null {
  const [w, h] = text.split(separator).map((n) => Number.parseInt(n, 10));
  return w && h && w > 0 && h > 0 ? { width: w, height: h } : null;
}
