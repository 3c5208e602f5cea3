import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { DigestChallenge } from "../onvif/http-digest.js";
import { challengeHeader, newDigestChallenge, verifyDigest, verifyUsernameToken } from "./sim-auth.js";
import { buildCameraSpec, type SimCameraSpec, type SimVendor } from "./sim-camera.js";
import { type DiscoveryResponder, startDiscoveryResponder } from "./sim-discovery.js";
import { motionInitialized, notificationFor, type SimEventKind, type SimSubscription } from "./sim-events.js";
import * as t from "./sim-soap-templates.js";

export type SimFault =
  | { kind: "offline"; mode?: "reset" | "silent" }
  | { kind: "slow"; delayMs: number }
  | { kind: "auth_failure" }
  | { kind: "clock_drift"; seconds: number }
  | { kind: "reboot"; downMs?: number }
  | { kind: "tamper" | "video_loss" | "storage_failure"; active?: boolean }
  | { kind: "malformed_xml" };

export interface OnvifSimulatorOptions {
  count: number;
  host?: string;
  port?: number;
  seed: number;
  /** Faults applied at start, by camera id. */
  faults?: Record<string, SimFault | SimFault[]>;
  /** Share of cameras that insist on HTTP Digest instead of WS-UsernameToken (default 0.2). */
  digestShare?: number;
  /** UDP port for the WS-Discovery responder; 0 picks a free one, false disables it (default). */
  discoveryPort?: number | false;
  /** Delay added to every answer, standing in for network round-trip time (default 0). */
  responseDelayMs?: number;
  /** When set, GetStreamUri returns `${rtspBaseUrl}/<camera id>/<profile token>` (e.g. a test RTSP server). */
  rtspBaseUrl?: string;
  /**
   * HTTP listeners on `host`, each on its own port (default 1). Camera i is addressed through
   * listener i mod n, so a poller's per-host limits see n hosts, as in a real fleet, instead of
   * one box serving every camera.
   */
  listeners?: number;
}

export interface SimulatedCamera {
  id: string;
  vendor: SimVendor;
  deviceServiceUrl: string;
  username: string;
  password: string;
  authMode: "wsse" | "digest";
  rtspUrl?: string;
}

export interface SimCameraStats {
  requests: number;
  authRejections: number;
  operations: Record<string, number>;
  subscriptionsCreated: number;
  activeSubscriptions: number;
}

export interface OnvifSimulator {
  baseUrl: string;
  cameras: SimulatedCamera[];
  discoveryPort: number | null;
  setFault(id: string, fault: SimFault): void;
  clearFaults(id: string): void;
  stats(id: string): SimCameraStats;
  close(): Promise<void>;
}

interface CameraState {
  spec: SimCameraSpec;
  driftMs: number;
  offline: "reset" | "silent" | null;
  slowMs: number;
  authFailure: boolean;
  malformed: boolean;
  downUntilMs: number;
  properties: Record<SimEventKind, boolean>;
  subscriptions: Map<string, SimSubscription & { pending?: ServerResponse }>;
  nonces: Set<string>;
  challenges: Map<string, DigestChallenge>;
  stats: SimCameraStats;
}

const routePattern = /^\/cam\/(cam-\d{5})\/onvif\/(\w+)(?:\/([\w-]+))?$/;
const operationPattern = /<(?:[\w.-]+:)?Body[^>]*>\s*<(?:[\w.-]+:)?(\w+)/;
const maxRequestBytes = 256 * 1024;

function tagText(xml: string, name: string): string | undefined {
  return new RegExp(`<(?:[\\w.-]+:)?${name}(?:\\s[^>]*)?>([^<]*)<`).exec(xml)?.[1]?.trim();
}

function durationSec(text: string | undefined, fallback: number): number {
  const match = /^PT(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(text ?? "");
  if (!match) return fallback;
  return Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0);
}

/**
 * Thousands of virtual ONVIF cameras behind one HTTP server on loopback, each under
 * /cam/<id>/onvif/…, each with its own credentials, clock, event state and faults.
 * Camera state is created on first use, so 10,000 idle cameras cost only their specs.
 */
export async function startOnvifSimulator(options: OnvifSimulatorOptions): Promise<OnvifSimulator> {
  const host = options.host ?? "127.0.0.1";
  const specs = Array.from({ length: options.count }, (_, i) =>
    buildCameraSpec(i, options.seed, options.digestShare ?? 0.2),
  );
  const specById = new Map(specs.map((s) => [s.id, s]));
  const states = new Map<string, CameraState>();
  const heldResponses = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  let subscriptionCounter = 0;

  function state(id: string): CameraState | undefined {
    const existing = states.get(id);
    if (existing) return existing;
    const spec = specById.get(id);
    if (!spec) return undefined;
    const created: CameraState = {
      spec,
      driftMs: 0,
      offline: null,
      slowMs: 0,
      authFailure: false,
      malformed: false,
      downUntilMs: 0,
      properties: { tamper: false, video_loss: false, storage_failure: false },
      subscriptions: new Map(),
      nonces: new Set(),
      challenges: new Map(),
      stats: {
        requests: 0,
        authRejections: 0,
        operations: {},
        subscriptionsCreated: 0,
        activeSubscriptions: 0,
      },
    };
    states.set(id, created);
    return created;
  }

  const deviceNow = (camera: CameraState) => Date.now() + camera.driftMs;

  function reply(
    res: ServerResponse,
    camera: CameraState,
    status: number,
    xml: string,
    soapVersion: "1.1" | "1.2",
  ) {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, {
      "content-type":
        soapVersion === "1.2" ? "application/soap+xml; charset=utf-8" : "text/xml; charset=utf-8",
      "content-length": Buffer.byteLength(xml),
      server: camera.spec.vendor === "hikvision" ? "App-webs/" : "gSOAP/2.8",
    });
    res.end(xml);
  }

  function applyFault(id: string, fault: SimFault): void {
    const camera = state(id);
    if (!camera) throw new Error(`No simulated camera ${id}`);
    switch (fault.kind) {
      case "offline":
        camera.offline = fault.mode ?? "reset";
        return;
      case "slow":
        camera.slowMs = fault.delayMs;
        return;
      case "auth_failure":
        camera.authFailure = true;
        return;
      case "clock_drift":
        camera.driftMs = fault.seconds * 1000;
        return;
      case "malformed_xml":
        camera.malformed = true;
        return;
      case "reboot":
        reboot(camera, fault.downMs ?? 3000);
        return;
      default:
        raiseEvent(camera, fault.kind, fault.active ?? true);
    }
  }

  function reboot(camera: CameraState, downMs: number): void {
    camera.downUntilMs = Date.now() + downMs;
    for (const subscription of camera.subscriptions.values()) subscription.pending?.socket?.destroy();
    camera.subscriptions.clear();
    camera.nonces.clear();
    camera.challenges.clear();
  }

  function raiseEvent(camera: CameraState, kind: SimEventKind, active: boolean): void {
    camera.properties[kind] = active;
    for (const subscription of camera.subscriptions.values()) {
      subscription.queue.push(notificationFor(camera.spec, kind, active, "Changed", deviceNow(camera)));
      subscription.wake?.();
    }
  }

  function authorise(
    req: IncomingMessage,
    res: ServerResponse,
    camera: CameraState,
    body: string,
    soapVersion: "1.1" | "1.2",
  ): boolean {
    const { spec } = camera;
    if (spec.authMode === "digest") {
      if (
        verifyDigest(
          req.headers.authorization,
          spec,
          req.method ?? "POST",
          camera.challenges,
          camera.authFailure,
        )
      )
        return true;
      camera.stats.authRejections += 1;
      const challenge = newDigestChallenge(spec);
      camera.challenges.set(challenge.nonce, challenge);
      if (camera.challenges.size > 64)
        camera.challenges.delete(camera.challenges.keys().next().value as string);
      res.writeHead(401, { "www-authenticate": challengeHeader(challenge), "content-length": 0 });
      res.end();
      return false;
    }
    const verdict = verifyUsernameToken(body, spec, deviceNow(camera), camera.nonces, camera.authFailure);
    if (verdict === "ok") return true;
    camera.stats.authRejections += 1;
    reply(
      res,
      camera,
      400,
      t.fault(spec.vendor, "Sender", "ter:NotAuthorized", "Sender not Authorized", soapVersion),
      soapVersion,
    );
    return false;
  }

  function profileFor(camera: CameraState, body: string) {
    const token = tagText(body, "ProfileToken");
    return camera.spec.profiles.find((p) => p.token === token);
  }

  function streamUriFor(camera: CameraState, token: string): string {
    const profile = camera.spec.profiles.find((p) => p.token === token)!;
    if (options.rtspBaseUrl) return `${options.rtspBaseUrl}/${camera.spec.id}/${profile.token}`;
    return `rtsp://${camera.spec.lanIp}:554${t.rtspPath(camera.spec, profile)}`;
  }

  function findSubscription(camera: CameraState, subId: string | undefined, body: string) {
    const id = subId ?? tagText(body, "SubscriptionId");
    const subscription = id ? camera.subscriptions.get(id) : undefined;
    if (subscription && subscription.expiresAtMs < Date.now()) {
      camera.subscriptions.delete(subscription.id);
      return undefined;
    }
    return subscription;
  }

  function createSubscription(camera: CameraState, body: string): string {
    const { spec } = camera;
    const terminationSec = Math.min(
      3600,
      Math.max(1, durationSec(tagText(body, "InitialTerminationTime"), 60)),
    );
    subscriptionCounter += 1;
    const id = `sub-${subscriptionCounter}`;
    const now = deviceNow(camera);
    const queue = (["tamper", "video_loss", "storage_failure"] as const).map((kind) =>
      notificationFor(spec, kind, camera.properties[kind], "Initialized", now),
    );
    queue.push(motionInitialized(spec, now));
    camera.subscriptions.set(id, {
      id,
      cameraId: spec.id,
      expiresAtMs: Date.now() + terminationSec * 1000,
      queue,
      wake: undefined,
    });
    camera.stats.subscriptionsCreated += 1;
    const paths = t.servicePaths(spec);
    const address =
      spec.vendor === "axis"
        ? `http://${spec.lanIp}${paths.events}`
        : `http://${spec.lanIp}/cam/${spec.id}/onvif/pullpoint/${id}`;
    return t.createPullPointResponse(spec, address, id, now, now + terminationSec * 1000);
  }

  function pullMessages(
    res: ServerResponse,
    camera: CameraState,
    subscription: SimSubscription & { pending?: ServerResponse },
    body: string,
    soapVersion: "1.1" | "1.2",
  ) {
    const limit = Math.max(1, Number(tagText(body, "MessageLimit") ?? 10));
    const waitMs = Math.min(10, durationSec(tagText(body, "Timeout"), 5)) * 1000;
    const respond = () => {
      clearTimeout(timer);
      subscription.wake = undefined;
      subscription.pending = undefined;
      const messages = subscription.queue.splice(0, limit);
      const now = deviceNow(camera);
      const termination = now + (subscription.expiresAtMs - Date.now());
      reply(
        res,
        camera,
        200,
        t.envelope(camera.spec.vendor, t.pullMessagesResponse(now, termination, messages), soapVersion),
        soapVersion,
      );
    };
    let timer: NodeJS.Timeout | undefined;
    if (subscription.queue.length > 0) return respond();
    timer = setTimeout(respond, waitMs);
    subscription.wake = respond;
    subscription.pending = res;
    res.on("close", () => {
      clearTimeout(timer);
      if (subscription.pending === res) {
        subscription.wake = undefined;
        subscription.pending = undefined;
      }
    });
  }

  function dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    camera: CameraState,
    service: string,
    subId: string | undefined,
    body: string,
  ) {
    const { spec } = camera;
    const soapVersion = body.includes("http://schemas.xmlsoap.org/soap/envelope/") ? "1.1" : "1.2";
    const operation = operationPattern.exec(body)?.[1] ?? "";
    camera.stats.operations[operation] = (camera.stats.operations[operation] ?? 0) + 1;
    const ok = (xml: string) =>
      reply(res, camera, 200, t.envelope(spec.vendor, xml, soapVersion), soapVersion);
    const fail = (status: number, subcode: string, reason: string) =>
      reply(
        res,
        camera,
        status,
        t.fault(spec.vendor, status >= 500 ? "Receiver" : "Sender", subcode, reason, soapVersion),
        soapVersion,
      );

    if (camera.malformed) {
      res.writeHead(200, { "content-type": "application/soap+xml; charset=utf-8" });
      res.end(
        `<?xml version="1.0"?><env:Envelope><env:Body><tds:${operation}Response><tt:Broken attr=></env:Body>`,
      );
      return;
    }
    if (operation !== "GetSystemDateAndTime" && !authorise(req, res, camera, body, soapVersion)) return;
    const media2 = service === "media2_service" || service === "Media2" || service === "services2";
    switch (operation) {
      case "GetSystemDateAndTime":
        return ok(t.systemDateAndTime(deviceNow(camera)));
      case "GetDeviceInformation":
        return ok(t.deviceInformation(spec));
      case "GetCapabilities":
        return ok(t.capabilities(spec));
      case "GetServices":
        return ok(t.services(spec));
      case "GetNetworkInterfaces":
        return ok(t.networkInterfaces(spec));
      case "GetProfiles":
        if (media2 && !spec.media2) return fail(400, "ter:ActionNotSupported", "Media2 not supported");
        return ok(media2 ? t.media2Profiles(spec) : t.media1Profiles(spec));
      case "GetVideoSources":
        return ok(t.videoSources(spec));
      case "GetStreamUri":
      case "GetSnapshotUri": {
        const profile = profileFor(camera, body);
        if (!profile) return fail(400, "ter:InvalidArgVal", "No such profile");
        return operation === "GetStreamUri"
          ? ok(t.streamUri(media2, streamUriFor(camera, profile.token)))
          : ok(t.snapshotUri(media2, `http://${spec.lanIp}/cam/${spec.id}/snapshot/${profile.token}.jpg`));
      }
      case "CreatePullPointSubscription":
        return ok(createSubscription(camera, body));
      case "PullMessages":
      case "Renew":
      case "Unsubscribe": {
        const subscription = findSubscription(camera, subId, body);
        if (!subscription) return fail(400, "wsrf-rw:ResourceUnknownFault", "Resource unknown");
        if (operation === "PullMessages") return pullMessages(res, camera, subscription, body, soapVersion);
        if (operation === "Unsubscribe") {
          camera.subscriptions.delete(subscription.id);
          return ok(t.unsubscribeResponse());
        }
        const terminationSec = Math.min(3600, Math.max(1, durationSec(tagText(body, "TerminationTime"), 60)));
        subscription.expiresAtMs = Date.now() + terminationSec * 1000;
        const now = deviceNow(camera);
        return ok(t.renewResponse(now, now + terminationSec * 1000));
      }
      default:
        return fail(400, "ter:ActionNotSupported", `Operation ${operation || "(none)"} not supported`);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const route = routePattern.exec(req.url ?? "");
    const camera = route ? state(route[1]!) : undefined;
    if (!route || !camera) {
      res.writeHead(404, { "content-length": 0 });
      res.end();
      return;
    }
    camera.stats.requests += 1;
    if (camera.offline === "silent") {
      heldResponses.add(res);
      res.on("close", () => heldResponses.delete(res));
      return;
    }
    if (camera.offline === "reset" || camera.downUntilMs > Date.now()) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxRequestBytes) {
        req.socket.destroy();
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const delayMs = camera.slowMs + (options.responseDelayMs ?? 0);
    if (delayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (res.destroyed) return;
    }
    dispatch(req, res, camera, route[2]!, route[3], Buffer.concat(chunks).toString("utf8"));
  }

  const servers = Array.from({ length: Math.max(1, options.listeners ?? 1) }, () => {
    const server = createServer({ keepAlive: true }, (req, res) => {
      handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500, { "content-length": 0 });
        res.end();
      });
    });
    server.keepAliveTimeout = 30_000;
    server.maxHeadersCount = 100;
    server.on("connection", (socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    return server;
  });
  const baseUrls: string[] = [];
  for (const [i, server] of servers.entries()) {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(i === 0 ? (options.port ?? 0) : 0, host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    baseUrls.push(`http://${host.includes(":") ? `[${host}]` : host}:${port}`);
  }
  const baseUrl = baseUrls[0]!;
  const deviceUrl = (spec: SimCameraSpec) =>
    `${baseUrls[spec.index % baseUrls.length]}/cam/${spec.id}/onvif/device_service`;

  let discovery: DiscoveryResponder | null = null;
  if (options.discoveryPort !== undefined && options.discoveryPort !== false) {
    discovery = await startDiscoveryResponder({
      host,
      port: options.discoveryPort,
      cameras: () => specs,
      xaddrFor: deviceUrl,
      isAnswering: (spec) => {
        const camera = states.get(spec.id);
        return !camera || (camera.offline === null && camera.downUntilMs <= Date.now());
      },
    });
  }

  for (const [id, faults] of Object.entries(options.faults ?? {})) {
    for (const fault of Array.isArray(faults) ? faults : [faults]) applyFault(id, fault);
  }

  return {
    baseUrl,
    discoveryPort: discovery?.port ?? null,
    cameras: specs.map((spec) => ({
      id: spec.id,
      vendor: spec.vendor,
      deviceServiceUrl: deviceUrl(spec),
      username: spec.username,
      password: spec.password,
      authMode: spec.authMode,
      ...(options.rtspBaseUrl
        ? { rtspUrl: `${options.rtspBaseUrl}/${spec.id}/${spec.profiles[0]?.token}` }
        : {}),
    })),
    setFault: applyFault,
    clearFaults(id) {
      const camera = state(id);
      if (!camera) throw new Error(`No simulated camera ${id}`);
      Object.assign(camera, {
        driftMs: 0,
        offline: null,
        slowMs: 0,
        authFailure: false,
        malformed: false,
        downUntilMs: 0,
      });
    },
    stats(id) {
      const camera = state(id);
      if (!camera) throw new Error(`No simulated camera ${id}`);
      return {
        ...camera.stats,
        operations: { ...camera.stats.operations },
        activeSubscriptions: camera.subscriptions.size,
      };
    },
    async close() {
      for (const res of heldResponses) res.destroy();
      for (const camera of states.values()) for (const s of camera.subscriptions.values()) s.wake?.();
      await discovery?.close();
      const closed = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
      for (const socket of sockets) socket.destroy();
      await Promise.all(closed);
    },
  };
}
