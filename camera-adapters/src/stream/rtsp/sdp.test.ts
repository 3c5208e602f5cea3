import { describe, expect, it } from "vitest";
import { parseSdp } from "./sdp.js";

// Hikvision DS-2CD series DESCRIBE body, as logged in mpromonet/webrtc-streamer issue #138.
const hikvisionSdp = [
  "v=0",
  "o=- 1534930022996637 1534930022996637 IN IP4 192.168.1.4",
  "s=Media Presentation",
  "e=NONE",
  "b=AS:5050",
  "t=0 0",
  "a=control:rtsp://192.168.1.4:554/h264/ch1/main/av_stream/",
  "m=video 0 RTP/AVP 96",
  "c=IN IP4 0.0.0.0",
  "b=AS:5000",
  "a=recvonly",
  "a=x-dimensions:1280,720",
  "a=control:rtsp://192.168.1.4:554/h264/ch1/main/av_stream/trackID=1",
  "a=rtpmap:96 H264/90000",
  "a=fmtp:96 profile-level-id=420029; packetization-mode=1; sprop-parameter-sets=Z00AH52oFAFum4CAgKAAAAMAIAAABlCA,aO48gA==",
  "",
].join("\r\n");

// Aiphone door station SDP from Ullaakut/cameradar issue #199 (framesize, framerate, PCMU audio).
const aiphoneSdp = [
  "v=0",
  "o=NetworkCameraOnvif 2208992188 969705160 IN IP4 0.0.0.0",
  "s=MediaSession",
  "t=0 0",
  "a=control:*",
  "a=range:npt=0-",
  "c=IN IP4 0.0.0.0",
  "m=video 0 RTP/AVP 96",
  "a=rtpmap:96 H264/90000",
  "a=control:trackID=video",
  "a=cliprect:0,0,720,1280",
  "a=framesize:96 1280-720",
  "a=framerate:10",
  "a=fmtp:96 profile-level-id=4d001f;packetization-mode=1;sprop-parameter-sets=Z00AH9oBQBbsBVIAAAMABAAAAwB4wIAA+gAAAwEZQF73wvCIRqA=,aO48gA==",
  "m=audio 0 RTP/AVP 0",
  "a=control:trackID=audio",
  "a=recvonly",
].join("\n");

describe("parseSdp", () => {
  it("reads a Hikvision DESCRIBE body", () => {
    const sdp = parseSdp(hikvisionSdp);
    expect(sdp.sessionName).toBe("Media Presentation");
    expect(sdp.control).toBe("rtsp://192.168.1.4:554/h264/ch1/main/av_stream/");
    expect(sdp.media).toHaveLength(1);
    expect(sdp.media[0]).toMatchObject({
      type: "video",
      payloadType: 96,
      encodingName: "H264",
      codec: "h264",
      clockRate: 90000,
      dimensions: { width: 1280, height: 720 },
      control: "rtsp://192.168.1.4:554/h264/ch1/main/av_stream/trackID=1",
    });
    expect(sdp.media[0]?.fmtp["profile-level-id"]).toBe("420029");
    expect(sdp.media[0]?.fmtp["packetization-mode"]).toBe("1");
  });

  it("reads vendor size and rate attributes and static audio payloads", () => {
    const sdp = parseSdp(aiphoneSdp);
    expect(sdp.control).toBe("*");
    expect(sdp.media[0]).toMatchObject({
      codec: "h264",
      framerate: 10,
      dimensions: { width: 1280, height: 720 },
    });
    expect(sdp.media[1]).toMatchObject({
      type: "audio",
      payloadType: 0,
      codec: "pcm_mulaw",
      clockRate: 8000,
    });
  });

  it("maps H265 and unknown encodings, and ignores garbage lines", () => {
    const sdp = parseSdp(
      "v=0\nnonsense\nm=video 0 RTP/AVP 98\na=rtpmap:98 H265/90000\nm=application 0 RTP/AVP 107\na=rtpmap:107 vnd.onvif.metadata/90000\n",
    );
    expect(sdp.media.map((m) => m.codec)).toEqual(["hevc", "vnd.onvif.metadata"]);
  });
});
