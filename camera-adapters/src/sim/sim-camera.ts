import { createHash } from "node:crypto";

export const simVendors = ["hikvision", "dahua", "axis", "uniview"] as const;
export type SimVendor = (typeof simVendors)[number];

export interface SimProfile {
  token: string;
  name: string;
  /** What Media2 reports; Media1 cannot express H.265, so such profiles show as H264 there. */
  codec: "H264" | "H265";
  width: number;
  height: number;
  fps: number;
  bitrateKbps: number;
  govLength: number;
}

/** Everything fixed about one virtual camera, derived from (seed, index) so runs repeat exactly. */
export interface SimCameraSpec {
  id: string;
  index: number;
  vendor: SimVendor;
  manufacturer: string;
  model: string;
  firmwareVersion: string;
  serialNumber: string;
  hardwareId: string;
  macAddress: string;
  /** The address the camera believes it has; it advertises this in XAddrs (NAT realism). */
  lanIp: string;
  endpointUuid: string;
  username: string;
  password: string;
  authMode: "wsse" | "digest";
  digestAlgorithm: "MD5" | "SHA-256";
  media2: boolean;
  profiles: SimProfile[];
}

/** mulberry32: tiny, fast, good enough for picking fixtures. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

const vendorCatalogue: Record<
  SimVendor,
  { manufacturer: string; models: string[]; firmware: string[]; hardwareId: string; macPrefix: string }
> = {
  hikvision: {
    manufacturer: "HIKVISION",
    models: ["DS-2CD2143G2-I", "DS-2CD2T47G2-L", "DS-2CD3T86FWDV2-I3S"],
    firmware: ["V5.7.3 build 220112", "V5.7.15 build 240605"],
    hardwareId: "88",
    macPrefix: "54:8c:81",
  },
  dahua: {
    manufacturer: "Dahua",
    models: ["IPC-HFW2431S-S-S2", "IPC-HDW5442TM-AS", "DH-IPC-HFW3441E-AS"],
    firmware: ["2.800.0000016.0.R, Build Date 2021-08-13", "2.840.0000000.14.R, Build Date 2023-04-10"],
    hardwareId: "1.00",
    macPrefix: "3c:ef:8c",
  },
  axis: {
    manufacturer: "AXIS",
    models: ["P3245-LVE", "M3106-L Mk II", "Q1656-LE"],
    firmware: ["10.12.182", "11.8.64"],
    hardwareId: "7A2",
    macPrefix: "ac:cc:8e",
  },
  uniview: {
    manufacturer: "Uniview",
    models: ["IPC2124SR3-APF40", "IPC3614SS-ADF28KM-I0"],
    firmware: ["IPC_Q1207-B0006P23D1908", "IPC_G6103-B5035P21D2208"],
    hardwareId: "A",
    macPrefix: "48:ea:63",
  },
};

function mainProfile(vendor: SimVendor, random: () => number, h265: boolean): SimProfile {
  const [width, height] = pick(random, [
    [2560, 1440],
    [1920, 1080],
    [2688, 1520],
  ] as const);
  const tokens: Record<SimVendor, [string, string]> = {
    hikvision: ["Profile_1", "mainStream"],
    dahua: ["MediaProfile000", "MediaProfile_Channel1_MainStream"],
    axis: ["profile_1_h264", "profile_1 h264"],
    uniview: ["media_profile1", "profile1"],
  };
  const [token, name] = tokens[vendor];
  return {
    token: h265 && vendor === "axis" ? "profile_1_h265" : token,
    name: h265 && vendor === "axis" ? "profile_1 h265" : name,
    codec: h265 ? "H265" : "H264",
    width,
    height,
    fps: pick(random, [20, 25, 30]),
    bitrateKbps: pick(random, [2048, 4096, 6144]),
    govLength: 50,
  };
}

function subProfile(vendor: SimVendor): SimProfile {
  const tokens: Record<SimVendor, [string, string]> = {
    hikvision: ["Profile_2", "subStream"],
    dahua: ["MediaProfile001", "MediaProfile_Channel1_SubStream1"],
    axis: ["profile_2_h264", "profile_2 h264"],
    uniview: ["media_profile2", "profile2"],
  };
  const [token, name] = tokens[vendor];
  return { token, name, codec: "H264", width: 640, height: 360, fps: 15, bitrateKbps: 512, govLength: 30 };
}

export function simCameraId(index: number): string {
  return `cam-${String(index + 1).padStart(5, "0")}`;
}

export function buildCameraSpec(index: number, seed: number, digestShare: number): SimCameraSpec {
  const random = seededRandom(seed * 100_003 + index);
  const vendor = simVendors[index % simVendors.length] as SimVendor;
  const catalogue = vendorCatalogue[vendor];
  const hash = createHash("sha1").update(`${seed}:${index}`).digest("hex");
  const media2 = vendor !== "uniview" && random() < 0.8;
  const h265 = media2 && random() < 0.6;
  const macTail = hash.slice(0, 6).match(/../g)!.join(":");
  return {
    id: simCameraId(index),
    index,
    vendor,
    manufacturer: catalogue.manufacturer,
    model: pick(random, catalogue.models),
    firmwareVersion: pick(random, catalogue.firmware),
    serialNumber: `${vendor.slice(0, 2).toUpperCase()}${hash.slice(6, 18).toUpperCase()}`,
    hardwareId: catalogue.hardwareId,
    macAddress: `${catalogue.macPrefix}:${macTail}`,
    lanIp: `192.168.${1 + (Math.floor(index / 250) % 250)}.${2 + (index % 250)}`,
    endpointUuid: `${hash.slice(0, 8)}-${hash.slice(8, 12)}-4${hash.slice(13, 16)}-8${hash.slice(17, 20)}-${hash.slice(20, 32)}`,
    username: "admin",
    password: `Pw-${hash.slice(32, 40)}`,
    authMode: random() < digestShare ? "digest" : "wsse",
    digestAlgorithm: random() < 0.5 ? "MD5" : "SHA-256",
    media2,
    profiles: [mainProfile(vendor, random, h265), subProfile(vendor)],
  };
}
