import { z } from "zod";

/** Validated shapes of what devices tell us; every parser ends in one of these. */

export const DeviceClockSchema = z.object({
  /** The device's UTC clock at the moment it answered, ISO 8601. */
  deviceUtc: z.iso.datetime(),
  /** deviceClock − localClock in ms (positive: the device is ahead). */
  offsetMs: z.number().int(),
  dateTimeType: z.enum(["NTP", "Manual"]).nullable(),
  timeZone: z.string().nullable(),
  /** True when the device sent only LocalDateTime and we read it as UTC (firmware quirk). */
  utcFromLocalTime: z.boolean(),
});
export type DeviceClock = z.infer<typeof DeviceClockSchema>;

export const DeviceInformationSchema = z.object({
  manufacturer: z.string(),
  model: z.string(),
  firmwareVersion: z.string(),
  serialNumber: z.string(),
  hardwareId: z.string(),
});
export type DeviceInformation = z.infer<typeof DeviceInformationSchema>;

export const ServiceKindSchema = z.enum([
  "device",
  "media",
  "media2",
  "events",
  "imaging",
  "ptz",
  "deviceio",
  "analytics",
]);
export type ServiceKind = z.infer<typeof ServiceKindSchema>;

export const ServiceEntrySchema = z.object({
  kind: ServiceKindSchema.nullable(),
  namespace: z.string(),
  xaddr: z.url(),
  version: z.string().nullable(),
});
export type ServiceEntry = z.infer<typeof ServiceEntrySchema>;

export const CapabilitiesSchema = z.object({
  xaddrs: z.partialRecord(ServiceKindSchema, z.url()),
  pullPointSupport: z.boolean(),
  rtpRtspTcp: z.boolean().nullable(),
  supportedVersions: z.array(z.string()),
});
export type Capabilities = z.infer<typeof CapabilitiesSchema>;

export const NetworkInterfaceSchema = z.object({
  token: z.string(),
  enabled: z.boolean(),
  name: z.string().nullable(),
  macAddress: z.string().nullable(),
  ipv4: z.array(z.string()),
});
export type NetworkInterface = z.infer<typeof NetworkInterfaceSchema>;

export const VideoCodecSchema = z.enum(["H264", "H265", "MJPEG", "MPEG4", "OTHER"]);
export type VideoCodec = z.infer<typeof VideoCodecSchema>;

export const VideoEncodingSchema = z.object({
  codec: VideoCodecSchema,
  /** Encoding as the device spelled it, e.g. "H265" or "JPEG". */
  encodingName: z.string(),
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
  fps: z.number().positive().nullable(),
  bitrateKbps: z.number().int().positive().nullable(),
  govLength: z.number().int().positive().nullable(),
});
export type VideoEncoding = z.infer<typeof VideoEncodingSchema>;

export const MediaProfileSchema = z.object({
  token: z.string().min(1),
  name: z.string(),
  /** Which media service reported it; GetStreamUri must go to the same one. */
  mediaService: z.enum(["media1", "media2"]),
  videoSourceToken: z.string().nullable(),
  video: VideoEncodingSchema.nullable(),
});
export type MediaProfile = z.infer<typeof MediaProfileSchema>;

export const OnboardedProfileSchema = MediaProfileSchema.extend({
  streamUri: z.string().nullable(),
  snapshotUri: z.string().nullable(),
});
export type OnboardedProfile = z.infer<typeof OnboardedProfileSchema>;

export const VendorSchema = z.enum(["hikvision", "dahua", "axis", "uniview", "other"]);
export type Vendor = z.infer<typeof VendorSchema>;

/** What onboarding learned about one camera; the server stores it in the inventory. */
export const OnboardingResultSchema = z.object({
  deviceServiceUrl: z.url(),
  vendor: VendorSchema,
  manufacturer: z.string(),
  model: z.string(),
  firmwareVersion: z.string(),
  serialNumber: z.string(),
  hardwareId: z.string(),
  macAddress: z.string().nullable(),
  clock: DeviceClockSchema,
  services: z.partialRecord(ServiceKindSchema, z.url()),
  supports: z.object({ pullPoint: z.boolean(), media2: z.boolean(), ptz: z.boolean() }),
  profiles: z.array(OnboardedProfileSchema),
  /** Non-fatal problems met on the way (e.g. Media2 refused), for the technician. */
  warnings: z.array(z.string()),
  onboardedAt: z.iso.datetime(),
});
export type OnboardingResult = z.infer<typeof OnboardingResultSchema>;

export const PullPointSubscriptionSchema = z.object({
  address: z.url(),
  /** Reference parameters to echo as SOAP headers (some firmware, e.g. Axis, requires them). */
  referenceParametersXml: z.string().nullable(),
  /** Namespace declarations the reference parameters need (copied from the device's envelope). */
  referenceNamespaces: z.string(),
  /** Granted lifetime measured on the device's own clock (TerminationTime − CurrentTime). */
  grantedSec: z.number().positive(),
  /** Local epoch ms at which the subscription ends. */
  expiresAtMs: z.number(),
});
export type PullPointSubscription = z.infer<typeof PullPointSubscriptionSchema>;

export const CameraEventKindSchema = z.enum(["tamper", "video_loss", "storage_failure", "raw"]);
export type CameraEventKind = z.infer<typeof CameraEventKindSchema>;

export const CameraEventSchema = z.object({
  kind: CameraEventKindSchema,
  topic: z.string(),
  utcTime: z.string().nullable(),
  propertyOperation: z.enum(["Initialized", "Changed", "Deleted"]).nullable(),
  source: z.record(z.string(), z.string()),
  data: z.record(z.string(), z.string()),
  /** The alarm state when the message carries one (State, IsTamper, Failed …). */
  active: z.boolean().nullable(),
});
export type CameraEvent = z.infer<typeof CameraEventSchema>;

export const PullMessagesResultSchema = z.object({
  events: z.array(CameraEventSchema),
  /** Termination time the device reports now, as local epoch ms. */
  expiresAtMs: z.number().nullable(),
});
export type PullMessagesResult = z.infer<typeof PullMessagesResultSchema>;

export const DiscoveredDeviceSchema = z.object({
  endpointReference: z.string(),
  xaddrs: z.array(z.string()),
  types: z.array(z.string()),
  scopes: z.array(z.string()),
  name: z.string().nullable(),
  hardware: z.string().nullable(),
  location: z.string().nullable(),
  from: z.object({ address: z.string(), port: z.number().int() }),
});
export type DiscoveredDevice = z.infer<typeof DiscoveredDeviceSchema>;
