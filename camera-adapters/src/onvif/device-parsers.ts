import type { z } from "zod";
import { OnvifError } from "./errors.js";
import {
  type Capabilities,
  CapabilitiesSchema,
  type DeviceClock,
  DeviceClockSchema,
  type DeviceInformation,
  DeviceInformationSchema,
  type NetworkInterface,
  NetworkInterfaceSchema,
  type ServiceEntry,
  ServiceEntrySchema,
  type ServiceKind,
} from "./schemas.js";
import {
  attrOf,
  child,
  children,
  parseXmlBoolean,
  parseXmlNumber,
  pathOf,
  textAt,
  textOf,
  type XmlNode,
  type XmlValue,
} from "./xml.js";

/** Runs the final zod check; a mismatch means the device does not speak ONVIF as specified. */
export function validated<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new OnvifError(
      "unexpected_response",
      `${what}: ${issue ? `${issue.path.join(".")} ${issue.message}` : "invalid"}`,
    );
  }
  return result.data;
}

export function responseElement(body: XmlNode, name: string): XmlValue {
  const element = child(body, name);
  if (element === undefined) throw new OnvifError("unexpected_response", `Expected ${name} in the SOAP body`);
  return element;
}

function dateTimeToEpoch(node: XmlValue | undefined): number | undefined {
  const year = parseXmlNumber(textAt(node, "Date", "Year"));
  const month = parseXmlNumber(textAt(node, "Date", "Month"));
  const day = parseXmlNumber(textAt(node, "Date", "Day"));
  const hour = parseXmlNumber(textAt(node, "Time", "Hour"));
  const minute = parseXmlNumber(textAt(node, "Time", "Minute"));
  const second = parseXmlNumber(textAt(node, "Time", "Second"));
  if ([year, month, day, hour, minute, second].some((v) => v === undefined)) return undefined;
  const epoch = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
  return Number.isFinite(epoch) ? epoch : undefined;
}

/**
 * `localMidpointMs` is the local time halfway through the request, so network delay does not
 * bias the offset. Firmware that fills only LocalDateTime (or puts local time into UTCDateTime)
 * is tolerated: whatever clock the device reports is the one it checks `Created` against.
 */
export function parseSystemDateAndTime(body: XmlNode, localMidpointMs: number): DeviceClock {
  const info = pathOf(responseElement(body, "GetSystemDateAndTimeResponse"), "SystemDateAndTime");
  const utc = dateTimeToEpoch(child(info, "UTCDateTime"));
  const local = utc === undefined ? dateTimeToEpoch(child(info, "LocalDateTime")) : undefined;
  // The device reports whole seconds, so its true time is on average half a second later.
  const deviceMs = (utc ?? local ?? Number.NaN) + 500;
  if (Number.isNaN(deviceMs)) {
    throw new OnvifError("unexpected_response", "GetSystemDateAndTime: no UTCDateTime or LocalDateTime");
  }
  const type = textAt(info, "DateTimeType");
  return validated(
    DeviceClockSchema,
    {
      deviceUtc: new Date(deviceMs).toISOString(),
      offsetMs: Math.round(deviceMs - localMidpointMs),
      dateTimeType: type === "NTP" || type === "Manual" ? type : null,
      timeZone: textAt(info, "TimeZone", "TZ") || null,
      utcFromLocalTime: utc === undefined,
    },
    "GetSystemDateAndTime",
  );
}

export function parseDeviceInformation(body: XmlNode): DeviceInformation {
  const info = responseElement(body, "GetDeviceInformationResponse");
  return validated(
    DeviceInformationSchema,
    {
      manufacturer: textAt(info, "Manufacturer") ?? "",
      model: textAt(info, "Model") ?? "",
      firmwareVersion: textAt(info, "FirmwareVersion") ?? "",
      serialNumber: textAt(info, "SerialNumber") ?? "",
      hardwareId: textAt(info, "HardwareId") ?? "",
    },
    "GetDeviceInformation",
  );
}

const serviceKindsByNamespace: Record<string, ServiceKind> = {
  "http://www.onvif.org/ver10/device/wsdl": "device",
  "http://www.onvif.org/ver10/media/wsdl": "media",
  "http://www.onvif.org/ver20/media/wsdl": "media2",
  "http://www.onvif.org/ver10/events/wsdl": "events",
  "http://www.onvif.org/ver20/imaging/wsdl": "imaging",
  "http://www.onvif.org/ver20/ptz/wsdl": "ptz",
  "http://www.onvif.org/ver10/deviceIO/wsdl": "deviceio",
  "http://www.onvif.org/ver20/analytics/wsdl": "analytics",
};

/** Some firmware lists IPv4 and IPv6 addresses in one XAddr, separated by spaces. */
export function firstXAddr(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const candidates = text.split(/\s+/).filter(Boolean);
  return candidates.find((c) => /^https?:\/\/[^[]/i.test(c)) ?? candidates[0];
}

export function parseServices(body: XmlNode): ServiceEntry[] {
  const services = children(responseElement(body, "GetServicesResponse"), "Service");
  return services.flatMap((service) => {
    const namespace = textAt(service, "Namespace") ?? "";
    const xaddr = firstXAddr(textAt(service, "XAddr"));
    if (!xaddr || !URL.canParse(xaddr)) return [];
    const major = textAt(service, "Version", "Major");
    const minor = textAt(service, "Version", "Minor");
    return [
      validated(
        ServiceEntrySchema,
        {
          kind: serviceKindsByNamespace[namespace] ?? null,
          namespace,
          xaddr,
          version: major !== undefined ? `${major}.${minor ?? "0"}` : null,
        },
        "GetServices",
      ),
    ];
  });
}

const capabilityKinds: Array<[string, ServiceKind]> = [
  ["Device", "device"],
  ["Media", "media"],
  ["Events", "events"],
  ["Imaging", "imaging"],
  ["PTZ", "ptz"],
  ["Analytics", "analytics"],
];

export function parseCapabilities(body: XmlNode): Capabilities {
  const caps = pathOf(responseElement(body, "GetCapabilitiesResponse"), "Capabilities");
  const xaddrs: Partial<Record<ServiceKind, string>> = {};
  for (const [element, kind] of capabilityKinds) {
    const xaddr = firstXAddr(textAt(caps, element, "XAddr"));
    if (xaddr && URL.canParse(xaddr)) xaddrs[kind] = xaddr;
  }
  const deviceIo = firstXAddr(textAt(caps, "Extension", "DeviceIO", "XAddr"));
  if (deviceIo && URL.canParse(deviceIo)) xaddrs.deviceio = deviceIo;
  const versions = children(pathOf(caps, "Device", "System"), "SupportedVersions").map(
    (v) => `${textAt(v, "Major") ?? "?"}.${textAt(v, "Minor") ?? "?"}`,
  );
  return validated(
    CapabilitiesSchema,
    {
      xaddrs,
      pullPointSupport: parseXmlBoolean(textAt(caps, "Events", "WSPullPointSupport")) ?? false,
      rtpRtspTcp: parseXmlBoolean(textAt(caps, "Media", "StreamingCapabilities", "RTP_RTSP_TCP")) ?? null,
      supportedVersions: versions,
    },
    "GetCapabilities",
  );
}

function normaliseMac(value: string | undefined): string | null {
  if (!value) return null;
  const hex = value.replace(/[^0-9a-fA-F]/g, "");
  if (hex.length !== 12) return null;
  return hex.toLowerCase().match(/../g)!.join(":");
}

export function parseNetworkInterfaces(body: XmlNode): NetworkInterface[] {
  const interfaces = children(responseElement(body, "GetNetworkInterfacesResponse"), "NetworkInterfaces");
  return interfaces.map((nic) => {
    const config = pathOf(nic, "IPv4", "Config");
    const ipv4 = ["Manual", "FromDHCP", "LinkLocal"]
      .flatMap((kind) => children(config, kind))
      .map((entry) => textAt(entry, "Address"))
      .filter((a): a is string => Boolean(a));
    return validated(
      NetworkInterfaceSchema,
      {
        token: attrOf(nic, "token") ?? "",
        enabled: parseXmlBoolean(textAt(nic, "Enabled")) ?? true,
        name: textAt(nic, "Info", "Name") || null,
        macAddress: normaliseMac(textAt(nic, "Info", "HwAddress")),
        ipv4,
      },
      "GetNetworkInterfaces",
    );
  });
}

export function textOrNull(node: XmlValue | undefined): string | null {
  const text = textOf(node);
  return text === undefined || text === "" ? null : text;
}
