import { responseElement, validated } from "./device-parsers.js";
import { OnvifError } from "./errors.js";
import { type MediaProfile, MediaProfileSchema, type VideoCodec, type VideoEncoding } from "./schemas.js";
import { attrOf, child, children, parseXmlNumber, textAt, type XmlNode, type XmlValue } from "./xml.js";

const codecAliases: Record<string, VideoCodec> = {
  H264: "H264",
  "H.264": "H264",
  H265: "H265",
  "H.265": "H265",
  HEVC: "H265",
  JPEG: "MJPEG",
  MJPEG: "MJPEG",
  MPEG4: "MPEG4",
  "MPV4-ES": "MPEG4",
};

/** Bitrate limits like 2147483647 are "unlimited" placeholders, not a real rate. */
const maxPlausibleKbps = 1_000_000;

function positiveInt(value: string | undefined, max = Number.MAX_SAFE_INTEGER): number | null {
  const parsed = parseXmlNumber(value);
  return parsed !== undefined && parsed > 0 && parsed <= max ? Math.round(parsed) : null;
}

function videoEncoding(
  encoder: XmlValue | undefined,
  govLengthText: string | undefined,
): VideoEncoding | null {
  const encodingName = textAt(encoder, "Encoding");
  if (!encodingName) return null;
  const fps = parseXmlNumber(textAt(encoder, "RateControl", "FrameRateLimit"));
  return {
    codec: codecAliases[encodingName.toUpperCase()] ?? "OTHER",
    encodingName,
    width: positiveInt(textAt(encoder, "Resolution", "Width")),
    height: positiveInt(textAt(encoder, "Resolution", "Height")),
    fps: fps !== undefined && fps > 0 ? fps : null,
    bitrateKbps: positiveInt(textAt(encoder, "RateControl", "BitrateLimit"), maxPlausibleKbps),
    govLength: positiveInt(govLengthText),
  };
}

export function parseMedia1Profiles(body: XmlNode): MediaProfile[] {
  return children(responseElement(body, "GetProfilesResponse"), "Profiles").map((profile) => {
    const encoder = child(profile, "VideoEncoderConfiguration");
    const govLength = textAt(encoder, "H264", "GovLength") ?? textAt(encoder, "MPEG4", "GovLength");
    return validated(
      MediaProfileSchema,
      {
        token: attrOf(profile, "token") ?? "",
        name: textAt(profile, "Name") ?? "",
        mediaService: "media1",
        videoSourceToken: textAt(profile, "VideoSourceConfiguration", "SourceToken") || null,
        video: videoEncoding(encoder, govLength),
      },
      "GetProfiles",
    );
  });
}

export function parseMedia2Profiles(body: XmlNode): MediaProfile[] {
  return children(responseElement(body, "GetProfilesResponse"), "Profiles").map((profile) => {
    const configurations = child(profile, "Configurations");
    const encoder = child(configurations, "VideoEncoder");
    return validated(
      MediaProfileSchema,
      {
        token: attrOf(profile, "token") ?? "",
        name: textAt(profile, "Name") ?? "",
        mediaService: "media2",
        videoSourceToken: textAt(configurations, "VideoSource", "SourceToken") || null,
        video: videoEncoding(encoder, attrOf(encoder, "GovLength")),
      },
      "GetProfiles (Media2)",
    );
  });
}

/** Media1 wraps the URI in MediaUri; Media2 returns it directly. Whitespace inside is vendor noise. */
export function parseMediaUri(
  body: XmlNode,
  responseName: "GetStreamUriResponse" | "GetSnapshotUriResponse",
): string {
  const response = responseElement(body, responseName);
  const uri = (textAt(response, "MediaUri", "Uri") ?? textAt(response, "Uri") ?? "").replace(/\s+/g, "");
  if (!uri || !URL.canParse(uri)) {
    throw new OnvifError("unexpected_response", `${responseName}: missing or invalid Uri "${uri}"`);
  }
  return uri;
}
