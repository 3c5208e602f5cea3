import { z } from "zod";
import { rewriteToReachedHost } from "./address-rewrite.js";
import {
  parseCapabilities,
  parseDeviceInformation,
  parseNetworkInterfaces,
  parseServices,
  parseSystemDateAndTime,
} from "./device-parsers.js";
import { OnvifError } from "./errors.js";
import { parseCreatePullPointSubscription, parsePullMessages, parseRenew } from "./event-parsers.js";
import { parseMedia1Profiles, parseMedia2Profiles, parseMediaUri } from "./media-parsers.js";
import { onboardDevice } from "./onboarding.js";
import type {
  Capabilities,
  DeviceClock,
  DeviceInformation,
  MediaProfile,
  NetworkInterface,
  OnboardingResult,
  PullMessagesResult,
  PullPointSubscription,
  ServiceEntry,
  ServiceKind,
} from "./schemas.js";
import {
  type DeviceClockState,
  type FetchLike,
  isWsSecurityAuthFailure,
  type SoapCall,
  type SoapResult,
  SoapTransport,
  type SoapVersion,
} from "./soap-transport.js";
import { escapeXml } from "./xml.js";

export interface CallOptions {
  signal?: AbortSignal;
}

export interface PullMessagesOptions extends CallOptions {
  /** Long-poll time the device may hold the request; keep under ~10 s, devices drop idle pulls. */
  timeoutSec?: number;
  limit?: number;
}

/** The small seam the server programs against; one implementation talks SOAP to real devices. */
export interface OnvifDevice {
  readonly deviceServiceUrl: string;
  /** Last measured device-minus-local clock offset in ms, or null before the first sync. */
  readonly clockOffsetMs: number | null;
  getSystemDateAndTime(options?: CallOptions): Promise<DeviceClock>;
  getDeviceInformation(options?: CallOptions): Promise<DeviceInformation>;
  getCapabilities(options?: CallOptions): Promise<Capabilities>;
  getServices(options?: CallOptions): Promise<ServiceEntry[]>;
  getNetworkInterfaces(options?: CallOptions): Promise<NetworkInterface[]>;
  getProfiles(options?: CallOptions & { warnings?: string[] }): Promise<MediaProfile[]>;
  getStreamUri(profileToken: string, options?: CallOptions): Promise<string>;
  getSnapshotUri(profileToken: string, options?: CallOptions): Promise<string>;
  createPullPointSubscription(
    initialTerminationSec: number,
    options?: CallOptions,
  ): Promise<PullPointSubscription>;
  pullMessages(
    subscription: PullPointSubscription,
    options?: PullMessagesOptions,
  ): Promise<PullMessagesResult>;
  renew(
    subscription: PullPointSubscription,
    options?: CallOptions & { terminationSec?: number },
  ): Promise<PullPointSubscription>;
  unsubscribe(subscription: PullPointSubscription, options?: CallOptions): Promise<void>;
  onboard(options?: CallOptions): Promise<OnboardingResult>;
}

export const OnvifDeviceOptionsSchema = z.object({
  /** Device service URL, e.g. http://10.0.0.5/onvif/device_service; a bare host[:port] is completed. */
  address: z.string().min(1),
  username: z.string().optional(),
  password: z.string().optional(),
  timeoutMs: z.number().int().positive().max(120_000),
  maxResponseBytes: z.number().int().positive().optional(),
  soapVersion: z.enum(["1.1", "1.2"]).optional(),
});

export type OnvifDeviceOptions = z.input<typeof OnvifDeviceOptionsSchema> & {
  fetchImpl?: FetchLike;
  /** Local clock, replaceable in tests. */
  now?: () => number;
};

const actions = {
  device: "http://www.onvif.org/ver10/device/wsdl",
  media: "http://www.onvif.org/ver10/media/wsdl",
  media2: "http://www.onvif.org/ver20/media/wsdl",
  pullMessages: "http://www.onvif.org/ver10/events/wsdl/PullPointSubscription/PullMessagesRequest",
  createPullPoint: "http://www.onvif.org/ver10/events/wsdl/EventPortType/CreatePullPointSubscriptionRequest",
  renew: "http://docs.oasis-open.org/wsn/bw-2/SubscriptionManager/RenewRequest",
  unsubscribe: "http://docs.oasis-open.org/wsn/bw-2/SubscriptionManager/UnsubscribeRequest",
};

export function normaliseDeviceAddress(address: string): URL {
  const trimmed = address.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  if (!URL.canParse(withScheme)) {
    throw new OnvifError("invalid_address", `Not a device address: "${address}"`);
  }
  const url = new URL(withScheme);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new OnvifError("invalid_address", `Device address must be http or https: "${address}"`);
  }
  if (url.pathname === "/" || url.pathname === "") url.pathname = "/onvif/device_service";
  return url;
}

export function createOnvifDevice(options: OnvifDeviceOptions): OnvifDevice {
  const parsed = OnvifDeviceOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new OnvifError(
      "invalid_address",
      `Invalid device options: ${parsed.error.issues[0]?.message ?? ""}`,
    );
  }
  return new SoapOnvifDevice({ ...parsed.data, fetchImpl: options.fetchImpl, now: options.now });
}

export interface ResolvedServices {
  xaddrs: Partial<Record<ServiceKind, string>>;
  capabilities: Capabilities | null;
}

/** What onboarding needs beyond the public seam: the service map resolved once and cached. */
export interface OnboardingTarget extends OnvifDevice {
  resolveServices(options?: CallOptions): Promise<ResolvedServices>;
}

class SoapOnvifDevice implements OnboardingTarget {
  readonly deviceServiceUrl: string;
  private readonly reached: URL;
  private readonly clock: DeviceClockState = { offsetMs: 0 };
  private synced = false;
  private readonly transport: SoapTransport;
  private readonly now: () => number;
  private services: Promise<ResolvedServices> | undefined;
  private readonly profileServices = new Map<string, "media1" | "media2">();

  constructor(
    options: z.output<typeof OnvifDeviceOptionsSchema> & { fetchImpl?: FetchLike; now?: () => number },
  ) {
    this.reached = normaliseDeviceAddress(options.address);
    this.deviceServiceUrl = this.reached.toString();
    this.now = options.now ?? Date.now;
    const credentials =
      options.username !== undefined
        ? { username: options.username, password: options.password ?? "" }
        : undefined;
    this.transport = new SoapTransport({
      timeoutMs: options.timeoutMs,
      clock: this.clock,
      now: this.now,
      ...(credentials ? { credentials } : {}),
      ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
      ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}),
      ...(options.soapVersion ? { soapVersion: options.soapVersion as SoapVersion } : {}),
    });
  }

  get clockOffsetMs(): number | null {
    return this.synced ? this.clock.offsetMs : null;
  }

  async getSystemDateAndTime(options: CallOptions = {}): Promise<DeviceClock> {
    const sentAt = this.now();
    const result = await this.transport.call({
      url: this.deviceServiceUrl,
      operation: "GetSystemDateAndTime",
      action: `${actions.device}/GetSystemDateAndTime`,
      body: "<tds:GetSystemDateAndTime/>",
      authenticate: false,
      ...signalOf(options),
    });
    const clock = parseSystemDateAndTime(result.body, (sentAt + this.now()) / 2);
    this.clock.offsetMs = clock.offsetMs;
    this.synced = true;
    return clock;
  }

  /**
   * A NotAuthorized fault may only mean our `Created` is outside the device's window, so we
   * re-measure the clock and retry exactly once. Never more: repeated failures lock accounts.
   */
  private async authenticated(call: Omit<SoapCall, "authenticate">): Promise<SoapResult> {
    try {
      return await this.transport.call({ ...call, authenticate: true });
    } catch (error) {
      if (!isWsSecurityAuthFailure(error)) throw error;
      await this.getSystemDateAndTime(call.signal ? { signal: call.signal } : {});
      try {
        return await this.transport.call({ ...call, authenticate: true });
      } catch (retryError) {
        if (retryError instanceof OnvifError && retryError.code === "auth_failed") {
          throw new OnvifError(
            "auth_failed",
            `${call.operation}: credentials rejected after clock re-sync (offset ${this.clock.offsetMs} ms)`,
            retryError.details,
            { cause: retryError },
          );
        }
        throw retryError;
      }
    }
  }

  private deviceCall(operation: string, body: string, options: CallOptions): Promise<SoapResult> {
    return this.authenticated({
      url: this.deviceServiceUrl,
      operation,
      action: `${actions.device}/${operation}`,
      body,
      ...signalOf(options),
    });
  }

  async getDeviceInformation(options: CallOptions = {}): Promise<DeviceInformation> {
    const result = await this.deviceCall("GetDeviceInformation", "<tds:GetDeviceInformation/>", options);
    return parseDeviceInformation(result.body);
  }

  async getCapabilities(options: CallOptions = {}): Promise<Capabilities> {
    const body = "<tds:GetCapabilities><tds:Category>All</tds:Category></tds:GetCapabilities>";
    const capabilities = parseCapabilities((await this.deviceCall("GetCapabilities", body, options)).body);
    const xaddrs: Partial<Record<ServiceKind, string>> = {};
    for (const [kind, xaddr] of Object.entries(capabilities.xaddrs) as Array<[ServiceKind, string]>) {
      xaddrs[kind] = rewriteToReachedHost(xaddr, this.reached, "service");
    }
    return { ...capabilities, xaddrs };
  }

  async getServices(options: CallOptions = {}): Promise<ServiceEntry[]> {
    const body = "<tds:GetServices><tds:IncludeCapability>false</tds:IncludeCapability></tds:GetServices>";
    const services = parseServices((await this.deviceCall("GetServices", body, options)).body);
    return services.map((s) => ({ ...s, xaddr: rewriteToReachedHost(s.xaddr, this.reached, "service") }));
  }

  async getNetworkInterfaces(options: CallOptions = {}): Promise<NetworkInterface[]> {
    const result = await this.deviceCall("GetNetworkInterfaces", "<tds:GetNetworkInterfaces/>", options);
    return parseNetworkInterfaces(result.body);
  }

  /** GetServices is the modern way; GetCapabilities is the Profile S fallback older firmware knows. */
  resolveServices(options: CallOptions = {}): Promise<ResolvedServices> {
    this.services ??= this.loadServices(options).catch((error: unknown) => {
      this.services = undefined;
      throw error;
    });
    return this.services;
  }

  private async loadServices(options: CallOptions): Promise<ResolvedServices> {
    const xaddrs: Partial<Record<ServiceKind, string>> = {};
    let servicesError: unknown;
    try {
      for (const service of await this.getServices(options)) {
        if (service.kind && !xaddrs[service.kind]) xaddrs[service.kind] = service.xaddr;
      }
    } catch (error) {
      if (!(error instanceof OnvifError) || error.code !== "soap_fault") throw error;
      servicesError = error;
    }
    let capabilities: Capabilities | null = null;
    try {
      capabilities = await this.getCapabilities(options);
      for (const [kind, xaddr] of Object.entries(capabilities.xaddrs) as Array<[ServiceKind, string]>) {
        xaddrs[kind] ??= xaddr;
      }
    } catch (error) {
      if (servicesError !== undefined || !(error instanceof OnvifError) || error.code !== "soap_fault")
        throw error;
    }
    return { xaddrs, capabilities };
  }

  private async serviceUrl(kind: ServiceKind, options: CallOptions): Promise<string> {
    const { xaddrs } = await this.resolveServices(options);
    const url = xaddrs[kind];
    if (!url) throw new OnvifError("unexpected_response", `Device advertises no ${kind} service`);
    return url;
  }

  async getProfiles(options: CallOptions & { warnings?: string[] } = {}): Promise<MediaProfile[]> {
    const { xaddrs } = await this.resolveServices(options);
    if (!xaddrs.media && !xaddrs.media2)
      throw new OnvifError("unexpected_response", "Device advertises no media service");
    const media1 = xaddrs.media ? await this.media1Profiles(xaddrs.media, options) : [];
    let media2: MediaProfile[] = [];
    if (xaddrs.media2) {
      try {
        media2 = await this.media2Profiles(xaddrs.media2, options);
      } catch (error) {
        // Media1 profiles are still usable; a broken Media2 is only worth a note.
        if (!(error instanceof OnvifError) || error.code !== "soap_fault" || media1.length === 0) throw error;
        options.warnings?.push(`Media2 GetProfiles failed: ${error.message}`);
      }
    }
    const merged = new Map<string, MediaProfile>();
    for (const profile of [...media1, ...media2]) merged.set(profile.token, profile);
    for (const profile of merged.values()) this.profileServices.set(profile.token, profile.mediaService);
    return [...merged.values()];
  }

  private async media1Profiles(url: string, options: CallOptions): Promise<MediaProfile[]> {
    const result = await this.authenticated({
      url,
      operation: "GetProfiles",
      action: `${actions.media}/GetProfiles`,
      body: "<trt:GetProfiles/>",
      ...signalOf(options),
    });
    return parseMedia1Profiles(result.body);
  }

  private async media2Profiles(url: string, options: CallOptions): Promise<MediaProfile[]> {
    const result = await this.authenticated({
      url,
      operation: "GetProfiles",
      action: `${actions.media2}/GetProfiles`,
      body: "<tr2:GetProfiles><tr2:Type>All</tr2:Type></tr2:GetProfiles>",
      ...signalOf(options),
    });
    return parseMedia2Profiles(result.body);
  }

  private async mediaServiceFor(
    profileToken: string,
    options: CallOptions,
  ): Promise<["media1" | "media2", string]> {
    const { xaddrs } = await this.resolveServices(options);
    const known = this.profileServices.get(profileToken);
    if (known === "media2" && xaddrs.media2) return ["media2", xaddrs.media2];
    if (xaddrs.media) return ["media1", xaddrs.media];
    if (xaddrs.media2) return ["media2", xaddrs.media2];
    throw new OnvifError("unexpected_response", "Device advertises no media service");
  }

  async getStreamUri(profileToken: string, options: CallOptions = {}): Promise<string> {
    const [service, url] = await this.mediaServiceFor(profileToken, options);
    const token = escapeXml(profileToken);
    const body =
      service === "media2"
        ? `<tr2:GetStreamUri><tr2:Protocol>RTSP</tr2:Protocol><tr2:ProfileToken>${token}</tr2:ProfileToken></tr2:GetStreamUri>`
        : "<trt:GetStreamUri><trt:StreamSetup><tt:Stream>RTP-Unicast</tt:Stream><tt:Transport><tt:Protocol>RTSP</tt:Protocol></tt:Transport></trt:StreamSetup>" +
          `<trt:ProfileToken>${token}</trt:ProfileToken></trt:GetStreamUri>`;
    const result = await this.authenticated({
      url,
      operation: "GetStreamUri",
      action: `${service === "media2" ? actions.media2 : actions.media}/GetStreamUri`,
      body,
      ...signalOf(options),
    });
    return rewriteToReachedHost(parseMediaUri(result.body, "GetStreamUriResponse"), this.reached, "media");
  }

  async getSnapshotUri(profileToken: string, options: CallOptions = {}): Promise<string> {
    const [service, url] = await this.mediaServiceFor(profileToken, options);
    const prefix = service === "media2" ? "tr2" : "trt";
    const result = await this.authenticated({
      url,
      operation: "GetSnapshotUri",
      action: `${service === "media2" ? actions.media2 : actions.media}/GetSnapshotUri`,
      body: `<${prefix}:GetSnapshotUri><${prefix}:ProfileToken>${escapeXml(profileToken)}</${prefix}:ProfileToken></${prefix}:GetSnapshotUri>`,
      ...signalOf(options),
    });
    return rewriteToReachedHost(parseMediaUri(result.body, "GetSnapshotUriResponse"), this.reached, "media");
  }

  async createPullPointSubscription(
    initialTerminationSec: number,
    options: CallOptions = {},
  ): Promise<PullPointSubscription> {
    const url = await this.serviceUrl("events", options);
    const result = await this.authenticated({
      url,
      operation: "CreatePullPointSubscription",
      action: actions.createPullPoint,
      body: `<tev:CreatePullPointSubscription><tev:InitialTerminationTime>PT${Math.max(1, Math.round(initialTerminationSec))}S</tev:InitialTerminationTime></tev:CreatePullPointSubscription>`,
      ...signalOf(options),
    });
    const subscription = parseCreatePullPointSubscription(result.body, result.raw, this.now());
    return { ...subscription, address: rewriteToReachedHost(subscription.address, this.reached, "service") };
  }

  private subscriptionCall(
    subscription: PullPointSubscription,
    operation: string,
    action: string,
    body: string,
    options: CallOptions & { extraTimeoutMs?: number },
  ): Promise<SoapResult> {
    const headers = [
      `<wsa:Action>${action}</wsa:Action>`,
      `<wsa:To>${escapeXml(subscription.address)}</wsa:To>`,
      ...(subscription.referenceParametersXml ? [subscription.referenceParametersXml] : []),
    ];
    return this.authenticated({
      url: subscription.address,
      operation,
      action,
      body,
      headers,
      ...(subscription.referenceNamespaces ? { headerNamespaces: subscription.referenceNamespaces } : {}),
      ...(options.extraTimeoutMs ? { extraTimeoutMs: options.extraTimeoutMs } : {}),
      ...signalOf(options),
    });
  }

  async pullMessages(
    subscription: PullPointSubscription,
    options: PullMessagesOptions = {},
  ): Promise<PullMessagesResult> {
    const timeoutSec = Math.max(1, Math.round(options.timeoutSec ?? 5));
    const limit = Math.max(1, Math.round(options.limit ?? 50));
    const result = await this.subscriptionCall(
      subscription,
      "PullMessages",
      actions.pullMessages,
      `<tev:PullMessages><tev:Timeout>PT${timeoutSec}S</tev:Timeout><tev:MessageLimit>${limit}</tev:MessageLimit></tev:PullMessages>`,
      { ...options, extraTimeoutMs: timeoutSec * 1000 },
    );
    return parsePullMessages(result.body, this.now());
  }

  async renew(
    subscription: PullPointSubscription,
    options: CallOptions & { terminationSec?: number } = {},
  ): Promise<PullPointSubscription> {
    const terminationSec = Math.max(1, Math.round(options.terminationSec ?? subscription.grantedSec));
    const result = await this.subscriptionCall(
      subscription,
      "Renew",
      actions.renew,
      `<wsnt:Renew><wsnt:TerminationTime>PT${terminationSec}S</wsnt:TerminationTime></wsnt:Renew>`,
      options,
    );
    return { ...subscription, ...parseRenew(result.body, this.now()) };
  }

  async unsubscribe(subscription: PullPointSubscription, options: CallOptions = {}): Promise<void> {
    await this.subscriptionCall(
      subscription,
      "Unsubscribe",
      actions.unsubscribe,
      "<wsnt:Unsubscribe/>",
      options,
    );
  }

  onboard(options: CallOptions = {}): Promise<OnboardingResult> {
    return onboardDevice(this, options);
  }
}

function signalOf(options: CallOptions): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}
