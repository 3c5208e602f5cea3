import { escapeXml } from "../onvif/xml.js";
import type { SimCameraSpec, SimProfile, SimVendor } from "./sim-camera.js";

/**
 * Response shapes follow captures from real devices (see ../onvif/fixtures/SOURCES.md):
 * Hikvision answers with an `env:` SOAP 1.2 envelope, Dahua with `s:` and standalone="yes",
 * Axis with gSOAP's `SOAP-ENV:`, and the Uniview-style camera here uses generated `ns*` prefixes
 * so clients that match on prefixes break against it, as they do in the field.
 */

const namespaces = {
  tds: "http://www.onvif.org/ver10/device/wsdl",
  trt: "http://www.onvif.org/ver10/media/wsdl",
  tr2: "http://www.onvif.org/ver20/media/wsdl",
  tt: "http://www.onvif.org/ver10/schema",
  tev: "http://www.onvif.org/ver10/events/wsdl",
  wsnt: "http://docs.oasis-open.org/wsn/b-2",
  wsa: "http://www.w3.org/2005/08/addressing",
  ter: "http://www.onvif.org/ver10/error",
  tns1: "http://www.onvif.org/ver10/topics",
} as const;
type Prefix = keyof typeof namespaces;

interface EnvelopeStyle {
  envPrefix: string;
  declaration: string;
  extraNamespaces: string;
  prefixes: Record<Prefix, string>;
  /** How this firmware spells booleans in event data. */
  booleans: [string, string];
}

const standardPrefixes: Record<Prefix, string> = {
  tds: "tds",
  trt: "trt",
  tr2: "tr2",
  tt: "tt",
  tev: "tev",
  wsnt: "wsnt",
  wsa: "wsa",
  ter: "ter",
  tns1: "tns1",
};

const styles: Record<SimVendor, EnvelopeStyle> = {
  hikvision: {
    envPrefix: "env",
    declaration: '<?xml version="1.0" encoding="UTF-8"?>\n',
    extraNamespaces:
      'xmlns:soapenc="http://www.w3.org/2003/05/soap-encoding" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:wsrf-rw="http://docs.oasis-open.org/wsrf/rw-2"',
    prefixes: standardPrefixes,
    booleans: ["TRUE", "FALSE"],
  },
  dahua: {
    envPrefix: "s",
    declaration: '<?xml version="1.0" encoding="utf-8" standalone="yes" ?>',
    extraNamespaces: 'xmlns:sc="http://www.w3.org/2003/05/soap-encoding"',
    prefixes: standardPrefixes,
    booleans: ["true", "false"],
  },
  axis: {
    envPrefix: "SOAP-ENV",
    declaration: '<?xml version="1.0" encoding="UTF-8"?>\n',
    extraNamespaces:
      'xmlns:SOAP-ENC="http://www.w3.org/2003/05/soap-encoding" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:dom0="http://www.axis.com/2009/event" xmlns:tnsaxis="http://www.axis.com/2009/event/topics"',
    prefixes: { ...standardPrefixes, wsa: "wsa5" },
    booleans: ["1", "0"],
  },
  uniview: {
    envPrefix: "SOAP-ENV",
    declaration: '<?xml version="1.0" encoding="UTF-8"?>',
    extraNamespaces: 'xmlns:SOAP-ENC="http://www.w3.org/2003/05/soap-encoding"',
    prefixes: {
      tds: "ns1",
      trt: "ns2",
      tr2: "ns3",
      tt: "ns4",
      tev: "ns5",
      wsnt: "ns6",
      wsa: "ns7",
      ter: "ter",
      tns1: "tns1",
    },
    booleans: ["true", "false"],
  },
};

const soapEnvelopeNs = {
  "1.2": "http://www.w3.org/2003/05/soap-envelope",
  "1.1": "http://schemas.xmlsoap.org/soap/envelope/",
};

const prefixPattern = /(<\/?)(tds|trt|tr2|tt|tev|wsnt|wsa|ter):/g;

export function vendorBooleans(vendor: SimVendor): [string, string] {
  return styles[vendor].booleans;
}

/** Wraps body XML written with standard prefixes into this vendor's envelope and prefixes. */
export function envelope(vendor: SimVendor, body: string, soapVersion: "1.1" | "1.2" = "1.2"): string {
  const style = styles[vendor];
  const mapped =
    style.prefixes === standardPrefixes
      ? body
      : body.replace(prefixPattern, (_m, open: string, p: Prefix) => `${open}${style.prefixes[p]}:`);
  const declarations = (Object.keys(namespaces) as Prefix[])
    .map((p) => `xmlns:${style.prefixes[p]}="${namespaces[p]}"`)
    .join(" ");
  const env = style.envPrefix;
  return (
    `${style.declaration}<${env}:Envelope xmlns:${env}="${soapEnvelopeNs[soapVersion]}" ${style.extraNamespaces} ${declarations}>` +
    `<${env}:Header/><${env}:Body>${mapped}</${env}:Body></${env}:Envelope>`
  );
}

export function fault(
  vendor: SimVendor,
  code: "Sender" | "Receiver",
  subcode: string,
  reason: string,
  soapVersion: "1.1" | "1.2" = "1.2",
): string {
  const env = styles[vendor].envPrefix;
  const body =
    soapVersion === "1.2"
      ? `<${env}:Fault><${env}:Code><${env}:Value>${env}:${code}</${env}:Value><${env}:Subcode><${env}:Value>${subcode}</${env}:Value></${env}:Subcode></${env}:Code>` +
        `<${env}:Reason><${env}:Text xml:lang="en">${escapeXml(reason)}</${env}:Text></${env}:Reason></${env}:Fault>`
      : `<${env}:Fault><faultcode>${env}:${code === "Sender" ? "Client" : "Server"}</faultcode><faultstring>${escapeXml(reason)}</faultstring><detail><${subcode}/></detail></${env}:Fault>`;
  return envelope(vendor, body, soapVersion);
}

function dateTimeXml(ms: number): string {
  const d = new Date(ms);
  return (
    `<tt:Time><tt:Hour>${d.getUTCHours()}</tt:Hour><tt:Minute>${d.getUTCMinutes()}</tt:Minute><tt:Second>${d.getUTCSeconds()}</tt:Second></tt:Time>` +
    `<tt:Date><tt:Year>${d.getUTCFullYear()}</tt:Year><tt:Month>${d.getUTCMonth() + 1}</tt:Month><tt:Day>${d.getUTCDate()}</tt:Day></tt:Date>`
  );
}

export function systemDateAndTime(deviceNowMs: number): string {
  // China Standard Time, as the demo district's cameras would be set.
  return (
    "<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType>" +
    "<tt:DaylightSavings>false</tt:DaylightSavings><tt:TimeZone><tt:TZ>CST-8</tt:TZ></tt:TimeZone>" +
    `<tt:UTCDateTime>${dateTimeXml(deviceNowMs)}</tt:UTCDateTime><tt:LocalDateTime>${dateTimeXml(deviceNowMs + 8 * 3_600_000)}</tt:LocalDateTime>` +
    "</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>"
  );
}

export function deviceInformation(spec: SimCameraSpec): string {
  return (
    `<tds:GetDeviceInformationResponse><tds:Manufacturer>${spec.manufacturer}</tds:Manufacturer><tds:Model>${escapeXml(spec.model)}</tds:Model>` +
    `<tds:FirmwareVersion>${escapeXml(spec.firmwareVersion)}</tds:FirmwareVersion><tds:SerialNumber>${spec.serialNumber}</tds:SerialNumber>` +
    `<tds:HardwareId>${spec.hardwareId}</tds:HardwareId></tds:GetDeviceInformationResponse>`
  );
}

/** Service paths per vendor, as their firmware names them, under this camera's /cam/<id> prefix. */
export function servicePaths(spec: SimCameraSpec): Record<"device" | "media" | "media2" | "events", string> {
  const base = `/cam/${spec.id}/onvif`;
  switch (spec.vendor) {
    case "hikvision":
      return {
        device: `${base}/device_service`,
        media: `${base}/Media`,
        media2: `${base}/Media2`,
        events: `${base}/Events`,
      };
    case "axis":
      return {
        device: `${base}/device_service`,
        media: `${base}/services`,
        media2: `${base}/services2`,
        events: `${base}/event_service`,
      };
    default:
      return {
        device: `${base}/device_service`,
        media: `${base}/media_service`,
        media2: `${base}/media2_service`,
        events: `${base}/event_service`,
      };
  }
}

/** The camera advertises its LAN address, as cameras behind NAT do; clients must rewrite it. */
function advertised(spec: SimCameraSpec, path: string): string {
  return `http://${spec.lanIp}${path}`;
}

export function capabilities(spec: SimCameraSpec): string {
  const paths = servicePaths(spec);
  return (
    "<tds:GetCapabilitiesResponse><tds:Capabilities>" +
    `<tt:Device><tt:XAddr>${advertised(spec, paths.device)}</tt:XAddr><tt:System><tt:SupportedVersions><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tt:SupportedVersions></tt:System></tt:Device>` +
    `<tt:Events><tt:XAddr>${advertised(spec, paths.events)}</tt:XAddr><tt:WSSubscriptionPolicySupport>true</tt:WSSubscriptionPolicySupport><tt:WSPullPointSupport>${spec.vendor === "hikvision" ? "TRUE" : "true"}</tt:WSPullPointSupport><tt:WSPausableSubscriptionManagerInterfaceSupport>false</tt:WSPausableSubscriptionManagerInterfaceSupport></tt:Events>` +
    `<tt:Media><tt:XAddr>${advertised(spec, paths.media)}</tt:XAddr><tt:StreamingCapabilities><tt:RTPMulticast>true</tt:RTPMulticast><tt:RTP_TCP>true</tt:RTP_TCP><tt:RTP_RTSP_TCP>1</tt:RTP_RTSP_TCP></tt:StreamingCapabilities></tt:Media>` +
    "</tds:Capabilities></tds:GetCapabilitiesResponse>"
  );
}

export function services(spec: SimCameraSpec): string {
  const paths = servicePaths(spec);
  const entry = (ns: string, path: string, major: number, minor: number) =>
    `<tds:Service><tds:Namespace>${ns}</tds:Namespace><tds:XAddr>${advertised(spec, path)}</tds:XAddr><tds:Version><tt:Major>${major}</tt:Major><tt:Minor>${minor}</tt:Minor></tds:Version></tds:Service>`;
  return (
    "<tds:GetServicesResponse>" +
    entry(namespaces.tds, paths.device, 17, 12) +
    entry(namespaces.trt, paths.media, 17, 12) +
    (spec.media2 ? entry(namespaces.tr2, paths.media2, 17, 12) : "") +
    entry(namespaces.tev, paths.events, 17, 12) +
    "</tds:GetServicesResponse>"
  );
}

export function networkInterfaces(spec: SimCameraSpec): string {
  return (
    '<tds:GetNetworkInterfacesResponse><tds:NetworkInterfaces token="eth0"><tt:Enabled>true</tt:Enabled>' +
    `<tt:Info><tt:Name>eth0</tt:Name><tt:HwAddress>${spec.macAddress}</tt:HwAddress><tt:MTU>1500</tt:MTU></tt:Info>` +
    `<tt:IPv4><tt:Enabled>true</tt:Enabled><tt:Config><tt:Manual><tt:Address>${spec.lanIp}</tt:Address><tt:PrefixLength>24</tt:PrefixLength></tt:Manual><tt:DHCP>false</tt:DHCP></tt:Config></tt:IPv4>` +
    "</tds:NetworkInterfaces></tds:GetNetworkInterfacesResponse>"
  );
}

function media1Encoder(profile: SimProfile): string {
  return (
    `<tt:VideoEncoderConfiguration token="VideoEncoder_${profile.token}"><tt:Name>VideoEncoder_${profile.token}</tt:Name><tt:UseCount>1</tt:UseCount>` +
    // Media1 has no H.265 enumeration value; firmware reports its H.265 streams as H264 here.
    `<tt:Encoding>H264</tt:Encoding><tt:Resolution><tt:Width>${profile.width}</tt:Width><tt:Height>${profile.height}</tt:Height></tt:Resolution>` +
    `<tt:Quality>3</tt:Quality><tt:RateControl><tt:FrameRateLimit>${profile.fps}</tt:FrameRateLimit><tt:EncodingInterval>1</tt:EncodingInterval><tt:BitrateLimit>${profile.bitrateKbps}</tt:BitrateLimit></tt:RateControl>` +
    `<tt:H264><tt:GovLength>${profile.govLength}</tt:GovLength><tt:H264Profile>Main</tt:H264Profile></tt:H264><tt:SessionTimeout>PT5S</tt:SessionTimeout></tt:VideoEncoderConfiguration>`
  );
}

export function media1Profiles(spec: SimCameraSpec): string {
  const profiles = spec.profiles
    .map(
      (p) =>
        `<trt:Profiles token="${p.token}" fixed="true"><tt:Name>${p.name}</tt:Name>` +
        `<tt:VideoSourceConfiguration token="VideoSourceConfig_1"><tt:Name>VideoSourceConfig</tt:Name><tt:UseCount>2</tt:UseCount><tt:SourceToken>VideoSource_1</tt:SourceToken><tt:Bounds x="0" y="0" width="${spec.profiles[0]?.width}" height="${spec.profiles[0]?.height}"/></tt:VideoSourceConfiguration>` +
        `${media1Encoder(p)}</trt:Profiles>`,
    )
    .join("");
  return `<trt:GetProfilesResponse>${profiles}</trt:GetProfilesResponse>`;
}

/** Media1 GetVideoSources: the one sensor behind every profile (clients such as agsh/onvif ask while connecting). */
export function videoSources(spec: SimCameraSpec): string {
  const main = spec.profiles[0];
  return (
    `<trt:GetVideoSourcesResponse><trt:VideoSources token="VideoSource_1"><tt:Framerate>${main?.fps ?? 25}</tt:Framerate>` +
    `<tt:Resolution><tt:Width>${main?.width ?? 1920}</tt:Width><tt:Height>${main?.height ?? 1080}</tt:Height></tt:Resolution>` +
    "</trt:VideoSources></trt:GetVideoSourcesResponse>"
  );
}

export function media2Profiles(spec: SimCameraSpec): string {
  const profiles = spec.profiles
    .map(
      (p) =>
        `<tr2:Profiles token="${p.token}" fixed="true"><tr2:Name>${p.name}</tr2:Name><tr2:Configurations>` +
        `<tr2:VideoSource token="VideoSourceConfig_1"><tt:Name>VideoSourceConfig</tt:Name><tt:UseCount>2</tt:UseCount><tt:SourceToken>VideoSource_1</tt:SourceToken><tt:Bounds x="0" y="0" width="${p.width}" height="${p.height}"/></tr2:VideoSource>` +
        `<tr2:VideoEncoder token="VideoEncoder_${p.token}" GovLength="${p.govLength}" Profile="Main"><tt:Name>VideoEncoder_${p.token}</tt:Name><tt:UseCount>1</tt:UseCount><tt:Encoding>${p.codec}</tt:Encoding>` +
        `<tt:Resolution><tt:Width>${p.width}</tt:Width><tt:Height>${p.height}</tt:Height></tt:Resolution>` +
        `<tt:RateControl ConstantBitRate="false"><tt:FrameRateLimit>${p.fps}</tt:FrameRateLimit><tt:BitrateLimit>${p.bitrateKbps}</tt:BitrateLimit></tt:RateControl></tr2:VideoEncoder>` +
        "</tr2:Configurations></tr2:Profiles>",
    )
    .join("");
  return `<tr2:GetProfilesResponse>${profiles}</tr2:GetProfilesResponse>`;
}

export function rtspPath(spec: SimCameraSpec, profile: SimProfile): string {
  const index = spec.profiles.indexOf(profile) + 1;
  switch (spec.vendor) {
    case "hikvision":
      return `/Streaming/Channels/10${index}?transportmode=unicast&profile=${profile.token}`;
    case "dahua":
      return `/cam/realmonitor?channel=1&subtype=${index - 1}&unicast=true&proto=Onvif`;
    case "axis":
      return `/onvif-media/media.amp?profile=${profile.token}&sessiontimeout=60&streamtype=unicast`;
    case "uniview":
      return `/media/video${index}`;
  }
}

export function streamUri(media2: boolean, uri: string): string {
  // Hikvision-style firmware pads the URI with whitespace; clients must trim it.
  const text = escapeXml(uri);
  return media2
    ? `<tr2:GetStreamUriResponse><tr2:Uri>${text}</tr2:Uri></tr2:GetStreamUriResponse>`
    : `<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>\n      ${text}\n    </tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT60S</tt:Timeout></trt:MediaUri></trt:GetStreamUriResponse>`;
}

export function snapshotUri(media2: boolean, uri: string): string {
  const text = escapeXml(uri);
  return media2
    ? `<tr2:GetSnapshotUriResponse><tr2:Uri>${text}</tr2:Uri></tr2:GetSnapshotUriResponse>`
    : `<trt:GetSnapshotUriResponse><trt:MediaUri><tt:Uri>${text}</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetSnapshotUriResponse>`;
}

export function isoDeviceTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export function createPullPointResponse(
  spec: SimCameraSpec,
  address: string,
  subscriptionId: string,
  deviceNowMs: number,
  terminationMs: number,
): string {
  // Axis firmware identifies the pull point by a reference parameter the client must echo.
  const reference =
    spec.vendor === "axis"
      ? `<wsa:ReferenceParameters><dom0:SubscriptionId>${subscriptionId}</dom0:SubscriptionId></wsa:ReferenceParameters>`
      : "";
  return (
    `<tev:CreatePullPointSubscriptionResponse><tev:SubscriptionReference><wsa:Address>${address}</wsa:Address>${reference}</tev:SubscriptionReference>` +
    `<wsnt:CurrentTime>${isoDeviceTime(deviceNowMs)}</wsnt:CurrentTime><wsnt:TerminationTime>${isoDeviceTime(terminationMs)}</wsnt:TerminationTime>` +
    "</tev:CreatePullPointSubscriptionResponse>"
  );
}

export function renewResponse(deviceNowMs: number, terminationMs: number): string {
  return `<wsnt:RenewResponse><wsnt:TerminationTime>${isoDeviceTime(terminationMs)}</wsnt:TerminationTime><wsnt:CurrentTime>${isoDeviceTime(deviceNowMs)}</wsnt:CurrentTime></wsnt:RenewResponse>`;
}

export function unsubscribeResponse(): string {
  return "<wsnt:UnsubscribeResponse/>";
}

export interface SimNotification {
  topic: string;
  utcMs: number;
  operation: "Initialized" | "Changed";
  source: Array<[string, string]>;
  data: Array<[string, string]>;
}

export function pullMessagesResponse(
  deviceNowMs: number,
  terminationMs: number,
  messages: SimNotification[],
): string {
  const items = (list: Array<[string, string]>) =>
    list.map(([name, value]) => `<tt:SimpleItem Name="${name}" Value="${escapeXml(value)}"/>`).join("");
  const body = messages
    .map(
      (m) =>
        `<wsnt:NotificationMessage><wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">${m.topic}</wsnt:Topic>` +
        `<wsnt:Message><tt:Message UtcTime="${isoDeviceTime(m.utcMs)}" PropertyOperation="${m.operation}"><tt:Source>${items(m.source)}</tt:Source><tt:Data>${items(m.data)}</tt:Data></tt:Message></wsnt:Message></wsnt:NotificationMessage>`,
    )
    .join("");
  return (
    `<tev:PullMessagesResponse><tev:CurrentTime>${isoDeviceTime(deviceNowMs)}</tev:CurrentTime><tev:TerminationTime>${isoDeviceTime(terminationMs)}</tev:TerminationTime>` +
    `${body}</tev:PullMessagesResponse>`
  );
}

export function probeMatches(spec: SimCameraSpec, relatesTo: string, xaddr: string): string {
  const scopes = [
    "onvif://www.onvif.org/type/video_encoder",
    "onvif://www.onvif.org/Profile/Streaming",
    "onvif://www.onvif.org/Profile/T",
    `onvif://www.onvif.org/hardware/${encodeURIComponent(spec.model)}`,
    `onvif://www.onvif.org/name/${encodeURIComponent(`${spec.manufacturer} ${spec.id}`)}`,
    "onvif://www.onvif.org/location/city/hangzhou",
  ].join(" ");
  return (
    '<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl">' +
    `<SOAP-ENV:Header><wsa:MessageID>uuid:${spec.endpointUuid.slice(0, 24)}${Date.now().toString(16).slice(-12).padStart(12, "0")}</wsa:MessageID><wsa:RelatesTo>${escapeXml(relatesTo)}</wsa:RelatesTo>` +
    '<wsa:To SOAP-ENV:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To><wsa:Action SOAP-ENV:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action></SOAP-ENV:Header>' +
    `<SOAP-ENV:Body><d:ProbeMatches><d:ProbeMatch><wsa:EndpointReference><wsa:Address>urn:uuid:${spec.endpointUuid}</wsa:Address></wsa:EndpointReference>` +
    `<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types><d:Scopes>${escapeXml(scopes)}</d:Scopes><d:XAddrs>${escapeXml(xaddr)}</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion></d:ProbeMatch></d:ProbeMatches></SOAP-ENV:Body></SOAP-ENV:Envelope>`
  );
}
