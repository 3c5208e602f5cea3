import { createHash } from "node:crypto";
import {
  DEFAULT_DEVICE_TIME_ZONE,
  isPlateParseError,
  type PlateRead,
  parsePlatePayload,
} from "@gridops/camera-adapters/plates/index";
import type { Pool } from "../../db/pool.js";
import { forbidden } from "../../http/errors.js";
import type { Logger } from "../../logger.js";
import {
  type DeadLetterReason,
  recordDeadLetter,
  serverDeadLetterReasons,
} from "../ingest/dead-letters.service.js";
import type { DeviceRegistry, MappedDevice } from "./device-registry.js";
import type { IngestQueue, PreparedRead, ReadOutcome } from "./ingest-queue.js";

/** Who pushes: a token, a device's Basic/Digest credential, an admin replaying, or Frigate. */
export type IngestPrincipal =
  | { kind: "token"; actor: string; cellCodes: readonly string[]; cameraIds: readonly string[] | null }
  | { kind: "device"; actor: string; credentialId: number }
  | { kind: "replay"; actor: string }
  | { kind: "integration"; actor: string };

export interface IngestRequest {
  format: string;
  body: Buffer;
  contentType: string;
  headers: Record<string, string | string[] | undefined>;
  sourceIp: string | null;
  receivedAt: Date;
  /** `?device=` on the push URL: the vendor id to assume when the payload has none. */
  deviceHint: string | null;
  principal: IngestPrincipal;
  /** Answer dead letters with 422 instead of 202 (integrators testing their sender). */
  strict: boolean;
  /** Set when replaying that dead letter: a failure is reported, not stored again. */
  replayOf?: number;
}

export type IngestResult =
  | { kind: "stored"; outcomes: ReadOutcome[] }
  | { kind: "dead_letter"; deadLetterId: number; reason: DeadLetterReason };

class DeadLetterError extends Error {
  constructor(readonly reason: DeadLetterReason) {
    super(reason.message);
  }
}

const serverReason = (code: keyof typeof serverDeadLetterReasons, detail: string): DeadLetterReason => ({
  code,
  message: `${serverDeadLetterReasons[code].en} (${detail})`,
  messageZh: `${serverDeadLetterReasons[code]["zh-CN"]}（${detail}）`,
});

export interface PlateIngestDeps {
  pool: Pool;
  log: Logger;
  registry: DeviceRegistry;
  queue: IngestQueue;
  deadLetterMaxBytes: number;
}

/**
 * The whole path of a push: parse (library) → map every read to a registered device →
 * check the pusher may push for it → queue for the group-committed insert. A payload that
 * cannot be parsed or mapped becomes a dead letter, all of it: never a partial write.
 */
export class PlateIngest {
  constructor(private readonly deps: PlateIngestDeps) {}

  async ingest(request: IngestRequest): Promise<IngestResult> {
    let prepared: PreparedRead[];
    try {
      prepared = await this.prepare(request);
    } catch (error) {
      const reason = this.deadLetterReason(error, request);
      if (!reason) throw error;
      if (request.replayOf !== undefined)
        return { kind: "dead_letter", deadLetterId: request.replayOf, reason };
      const deadLetterId = await recordDeadLetter(this.deps.pool, {
        request: { ...request, actor: request.principal.actor },
        reason,
        maxPayloadBytes: this.deps.deadLetterMaxBytes,
      });
      this.deps.log.info(
        { deadLetterId, code: reason.code, format: request.format, actor: request.principal.actor },
        "plate payload dead-lettered",
      );
      return { kind: "dead_letter", deadLetterId, reason };
    }
    return { kind: "stored", outcomes: await this.deps.queue.submit(prepared) };
  }

  /** Reads already parsed elsewhere (Frigate over MQTT): mapped and stored the same way. */
  async ingestParsed(
    reads: PlateRead[],
    principal: IngestPrincipal,
    receivedAt: Date,
  ): Promise<ReadOutcome[]> {
    const mapped = await this.mapReads(reads, null, null);
    this.authorize(
      principal,
      mapped.map((m) => m.device),
    );
    return this.deps.queue.submit(mapped.map((m) => prepareRead(m.read, m.device, receivedAt)));
  }

  /**
   * Why reads already parsed (Frigate) could not be stored, as a dead-letter reason: the
   * mapping's own reason (unknown or disabled device), else `store_failed` with the error.
   */
  reasonForParsed(error: unknown): DeadLetterReason {
    if (error instanceof DeadLetterError) return error.reason;
    const detail = error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200);
    return serverReason("store_failed", detail);
  }

  private deadLetterReason(error: unknown, request: IngestRequest): DeadLetterReason | null {
    if (error instanceof DeadLetterError) return error.reason;
    if (isPlateParseError(error))
      return { code: error.code, message: error.message, messageZh: error.messageZh, field: error.field };
    if (error instanceof Error && !("status" in error)) {
      // A parser bug must not lose the payload: keep it for replay once fixed.
      this.deps.log.error({ err: error, format: request.format }, "plate parser failed unexpectedly");
      return serverReason("parser_failed", error.message.slice(0, 200));
    }
    return null;
  }

  private async prepare(request: IngestRequest): Promise<PreparedRead[]> {
    const context = await this.contextDevice(request);
    let reads = await this.parse(request, context);
    if (reads.length === 0) return [];
    let mapped = await this.mapReads(reads, context, request.sourceIp);
    const device = mapped[0]!.device;
    if (!context && mapped.every((m) => m.device.id === device.id) && !usesDefaultClock(device)) {
      // The payload named its device only inside: read its times again in that device's zone and clock.
      reads = await this.parse(request, device);
      mapped = await this.mapReads(reads, device, request.sourceIp);
    }
    this.authorize(
      request.principal,
      mapped.map((m) => m.device),
    );
    return mapped.map((m) => prepareRead(m.read, m.device, request.receivedAt));
  }

  private parse(request: IngestRequest, device: MappedDevice | null): Promise<PlateRead[]> {
    let headers: Record<string, string | undefined> | undefined;
    return parsePlatePayload(request.format, {
      body: request.body,
      contentType: request.contentType,
      // Copied only if a parser asks (none of today's does): a copy per push is measurable.
      get headers() {
        headers ??= Object.fromEntries(
          Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : v]),
        );
        return headers;
      },
      receivedAt: request.receivedAt,
      deviceTimeZone: device?.timeZone ?? DEFAULT_DEVICE_TIME_ZONE,
      deviceClockOffsetMs: device?.clockOffsetMs ?? 0,
      ...(device
        ? { fallbackDeviceId: device.deviceKey }
        : request.deviceHint
          ? { fallbackDeviceId: request.deviceHint }
          : {}),
    });
  }

  /** The device a push comes from when the request itself says (credential, ?device=, one-camera token). */
  private async contextDevice(request: IngestRequest): Promise<MappedDevice | null> {
    const { registry } = this.deps;
    if (request.deviceHint) {
      const hinted = await registry.allFor(request.deviceHint);
      // Channels of one device share its clock: any of its rows gives the zone and offset.
      if (
        hinted.length > 0 &&
        hinted.every(
          (d) => d.timeZone === hinted[0]!.timeZone && d.clockOffsetMs === hinted[0]!.clockOffsetMs,
        )
      ) {
        return hinted.find((d) => d.channel === null) ?? hinted[0]!;
      }
    }
    const p = request.principal;
    if (p.kind === "device") {
      const devices = await registry.byCredential(p.credentialId);
      return devices.length === 1 ? devices[0]! : null;
    }
    if (p.kind === "token" && p.cameraIds?.length === 1) {
      const devices = await registry.byCamera(p.cameraIds[0]!);
      return devices.length === 1 ? devices[0]! : null;
    }
    return null;
  }

  private async mapReads(reads: PlateRead[], context: MappedDevice | null, sourceIp: string | null) {
    const mapped: { read: PlateRead; device: MappedDevice }[] = [];
    for (const read of reads) {
      const device =
        this.deps.registry.peek(read.deviceId, read.channel) ??
        (await this.deps.registry.find(read.deviceId, read.channel)) ??
        (sourceIp ? await this.deps.registry.find(sourceIp, read.channel) : null) ??
        context;
      if (!device) {
        const where = `device "${read.deviceId}"${read.channel ? ` channel "${read.channel}"` : ""}${sourceIp ? ` from ${sourceIp}` : ""}`;
        throw new DeadLetterError(serverReason("unknown_device", where));
      }
      if (!device.enabled)
        throw new DeadLetterError(
          serverReason("device_disabled", `device ${device.id} "${device.deviceKey}"`),
        );
      mapped.push({ read, device });
    }
    return mapped;
  }

  /** A token pushes only for cameras in its cells (and its camera list); a credential only for its devices. */
  private authorize(principal: IngestPrincipal, devices: MappedDevice[]): void {
    for (const device of devices) {
      if (principal.kind === "token") {
        const inCells = device.cellPath?.some((code) => principal.cellCodes.includes(code)) ?? false;
        const cameraOk = principal.cameraIds === null || principal.cameraIds.includes(device.cameraId);
        if (!inCells || !cameraOk) {
          throw forbidden(
            `This token may not push reads for camera ${device.cameraId} (outside its cells or camera list).`,
          );
        }
      } else if (principal.kind === "device" && device.credentialId !== principal.credentialId) {
        throw forbidden(
          `These device credentials are not assigned to plate device ${device.id} (camera ${device.cameraId}).`,
        );
      }
    }
  }
}

const usesDefaultClock = (d: MappedDevice) =>
  d.timeZone === DEFAULT_DEVICE_TIME_ZONE && d.clockOffsetMs === 0;

/** The columns of one read: device → camera → checkpoint/lane → cell, pictures by hash, flags. */
export function prepareRead(read: PlateRead, device: MappedDevice, receivedAt: Date): PreparedRead {
  const images: PreparedRead["images"] = [];
  const refs = read.images.map((image) => {
    if ("url" in image) return { role: image.role, url: image.url };
    const sha256 = createHash("sha256").update(image.data).digest("hex");
    images.push({ sha256, mime: image.mime, content: image.data });
    return { role: image.role, sha256, mime: image.mime };
  });
  const lane =
    device.lane ?? (read.lane !== null && device.checkpointLanes.includes(read.lane) ? read.lane : null);
  return {
    row: {
      captured_at: read.capturedAt.toISOString(),
      received_at: receivedAt.toISOString(),
      plate_text: read.plateText,
      plate_raw: read.plateRaw,
      plate_colour: read.plateColour,
      plate_valid: read.plateValid,
      plate_kind: read.plateKind,
      confidence: read.confidence,
      format: read.format,
      device_id: device.id,
      camera_id: device.cameraId,
      checkpoint_id: device.checkpointId,
      lane,
      direction: read.direction,
      vehicle_type: read.vehicleType,
      vehicle_colour: read.vehicleColour,
      cell_code: device.cellCode,
      cell_path: device.cellPath,
      vendor_event_id: read.vendorEventId,
      images: refs,
      details: {
        ...read.details,
        vendorDeviceId: read.deviceId,
        ...(read.channel ? { channel: read.channel } : {}),
      },
      flags: flagsOf(read),
    },
    images,
    location: device.location,
  };
}

/** Reads are kept even when odd; flags say what is odd so searches and reviewers can tell. */
export function flagsOf(read: PlateRead): string[] {
  const flags: string[] = [];
  if (!read.plateValid) flags.push("invalid_format");
  if (read.plateKind === "unknown") flags.push("unknown_kind");
  if (read.details.timeSource === "received") flags.push("time_from_receipt");
  if (read.confidence !== null && read.confidence < 0.5) flags.push("low_confidence");
  return flags;
}
