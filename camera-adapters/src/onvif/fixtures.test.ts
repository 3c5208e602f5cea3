import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseCapabilities, parseDeviceInformation, parseSystemDateAndTime } from "./device-parsers.js";
import { parseProbeMatches } from "./discovery.js";
import { parsePullMessages } from "./event-parsers.js";
import { parseMedia1Profiles, parseMedia2Profiles } from "./media-parsers.js";
import { child, isNode, parseXml, type XmlNode } from "./xml.js";

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
}

function body(name: string): XmlNode {
  const found = child(child(parseXml(fixture(name)), "Envelope"), "Body");
  if (!isNode(found)) throw new Error(`${name} has no SOAP body`);
  return found;
}

describe("captured device responses", () => {
  it("reads an Axis GetSystemDateAndTime and computes the offset against the local clock", () => {
    const deviceUtc = Date.UTC(2024, 6, 9, 19, 49, 6);
    const clock = parseSystemDateAndTime(body("axis-get-system-date-and-time.xml"), deviceUtc - 90_000);
    expect(clock.deviceUtc).toBe("2024-07-09T19:49:06.500Z");
    expect(clock.offsetMs).toBe(90_500);
    expect(clock.dateTimeType).toBe("Manual");
    expect(clock.timeZone).toBe("BRT3");
    expect(clock.utcFromLocalTime).toBe(false);
  });

  it("reads a Dahua GetDeviceInformation", () => {
    expect(parseDeviceInformation(body("dahua-get-device-information.xml"))).toEqual({
      manufacturer: "Dahua",
      model: "DH-2H3400-ADP",
      firmwareVersion: "2.811.0000013.0.R, Build Date 2023-12-20",
      serialNumber: "BA07995PHA29A85",
      hardwareId: "1.00",
    });
  });

  it("tolerates an OEM answer that omits every field after Manufacturer", () => {
    const info = parseDeviceInformation(body("hikvision-oem-get-device-information.xml"));
    expect(info.manufacturer).toBe("IPCAM");
    expect(info.model).toBe("");
  });

  it("reads Hikvision profiles written with default namespaces and no prefixes", () => {
    const [profile] = parseMedia1Profiles(body("hikvision-get-profiles-default-namespace.xml"));
    expect(profile).toEqual({
      token: "Profile_1",
      name: "mainStream",
      mediaService: "media1",
      videoSourceToken: "VideoSource_1",
      video: {
        codec: "H264",
        encodingName: "H264",
        width: 640,
        height: 480,
        fps: 2,
        bitrateKbps: 2048,
        govLength: 4,
      },
    });
  });

  it("keeps a profile whose Media1 encoder has no Encoding, with video null", () => {
    const profiles = parseMedia1Profiles(body("media1-get-profiles-empty-encoder.xml"));
    expect(profiles.map((p) => [p.token, p.name, p.video])).toEqual([
      ["MediaProfile00000", "MediaProfile_Channel1_MainStream", null],
      ["MediaProfile00001", "MediaProfile_Channel1_SubStream1", null],
    ]);
    expect(profiles[0]?.videoSourceToken).toBe("00000");
  });

  it("reads Media2 profiles even with undeclared prefixes and drops the 2147483647 'unlimited' bitrate", () => {
    const [profile] = parseMedia2Profiles(body("media2-get-profiles-undeclared-prefixes.xml"));
    expect(profile?.token).toBe("profile_1_h264");
    expect(profile?.mediaService).toBe("media2");
    expect(profile?.video).toEqual({
      codec: "H264",
      encodingName: "H264",
      width: 2688,
      height: 1520,
      fps: 30,
      bitrateKbps: null,
      govLength: 32,
    });
  });

  it("reads Dahua-style GetCapabilities including the PullPoint flag and versions", () => {
    const caps = parseCapabilities(body("dahua-style-get-capabilities.xml"));
    expect(caps.xaddrs).toEqual({
      analytics: "http://192.168.100.94/onvif/analytics_service",
      device: "http://192.168.100.94/onvif/device_service",
      events: "http://192.168.100.94/onvif/event_service",
      media: "http://192.168.100.94/onvif/media_service",
    });
    expect(caps.pullPointSupport).toBe(true);
    expect(caps.supportedVersions).toEqual(["2.00", "2.10"]);
  });

  it("maps Hikvision PullMessages topics (tnshik prefixes, FALSE booleans, zone-less times)", () => {
    const result = parsePullMessages(body("hikvision-pull-messages.xml"), Date.UTC(2023, 5, 1, 7, 27, 22));
    expect(result.expiresAtMs).toBe(Date.UTC(2023, 5, 1, 7, 37, 22));
    expect(result.events.map((e) => [e.kind, e.topic, e.active, e.propertyOperation])).toEqual([
      ["raw", "tns1:VideoAnalytics/tnshik:MotionAlarm", false, "Initialized"],
      ["raw", "tns1:UserAlarm/VideoCover", false, "Initialized"],
      ["tamper", "tns1:RuleEngine/TamperDetector/Tamper", false, "Initialized"],
    ]);
    expect(result.events[2]?.source).toEqual({ VideoSourceToken: "vstoken_ch0001" });
  });

  it("reads a TP-Link ProbeMatches with its scopes", () => {
    const [device] = parseProbeMatches(fixture("probe-matches-tplink.xml"), {
      address: "192.168.1.108",
      port: 3702,
    });
    expect(device).toMatchObject({
      endpointReference: "uuid:B926EB6A-CB4B-54DB-3130-0023CDE05FA7",
      xaddrs: ["http://192.168.1.108:80/onvif/device_service"],
      types: ["dn:NetworkVideoTransmitter"],
      name: "TP-LINK",
      hardware: "TL-SC3130G",
      location: "global",
    });
  });

  it("ignores ProbeMatches that answer someone else's probe", () => {
    const matches = parseProbeMatches(
      fixture("probe-matches-tplink.xml"),
      { address: "x", port: 1 },
      "uuid:other",
    );
    expect(matches).toEqual([]);
  });
});
