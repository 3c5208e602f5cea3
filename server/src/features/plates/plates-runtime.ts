import {
  type GenericPlateRead,
  type PlateRead,
  startFrigateSubscriber,
} from "@gridops/camera-adapters/plates/index";
import type { Config } from "../../config.js";
import type { Pool } from "../../db/pool.js";
import type { Logger } from "../../logger.js";
import { hotlistHitHook } from "../hotlists/hits.service.js";
import { HotlistMatcherCache } from "../hotlists/hotlist-matcher-cache.js";
import { recordDeadLetter } from "../ingest/dead-letters.service.js";
import type { Keyring } from "../secrets/keyring.js";
import { DeviceAuthenticator } from "./device-auth.js";
import { DeviceRegistry } from "./device-registry.js";
import { defaultQueueOptions, IngestQueue, type IngestQueueOptions } from "./ingest-queue.js";
import { PlateIngest } from "./plate-ingest.service.js";

export interface PlatesRuntimeDeps {
  pool: Pool;
  log: Logger;
  config: Pick<Config, "plateDedupeWindowMs" | "deadLetterMaxBytes" | "frigateMqttUrl"> & {
    plateGroupCommit?: boolean;
    poolMax?: number;
  };
  keyring?: Keyring;
}

/** One per app (per deps object): the device cache, the group-commit queue, the hotlist matcher. */
export interface PlatesRuntime {
  registry: DeviceRegistry;
  queue: IngestQueue;
  ingest: PlateIngest;
  hotlists: HotlistMatcherCache;
  authenticator: DeviceAuthenticator | null;
}

const runtimes = new WeakMap<object, PlatesRuntime>();

export function platesRuntimeOf(
  deps: PlatesRuntimeDeps,
  queueOptions: Partial<IngestQueueOptions> = {},
): PlatesRuntime {
  const existing = runtimes.get(deps);
  if (existing) return existing;
  const log = deps.log.child({ feature: "plates" });
  const registry = new DeviceRegistry(deps.pool);
  const queue = new IngestQueue(deps.pool, log, {
    ...defaultQueueOptions,
    dedupeWindowMs: deps.config.plateDedupeWindowMs,
    // Without group commit every push is its own transaction, as many at once as the pool allows.
    ...(deps.config.plateGroupCommit === false
      ? { maxBatchReads: 1, maxConcurrentFlushes: Math.max(1, Math.floor((deps.config.poolMax ?? 10) / 2)) }
      : {}),
    ...queueOptions,
  });
  const hotlists = new HotlistMatcherCache(log.child({ component: "hotlist-matcher" }));
  queue.onStored(hotlistHitHook(hotlists, log));
  const ingest = new PlateIngest({
    pool: deps.pool,
    log,
    registry,
    queue,
    deadLetterMaxBytes: deps.config.deadLetterMaxBytes,
  });
  const runtime: PlatesRuntime = {
    registry,
    queue,
    ingest,
    hotlists,
    authenticator: deps.keyring ? new DeviceAuthenticator(deps.pool, deps.keyring) : null,
  };
  runtimes.set(deps, runtime);
  if (deps.config.frigateMqttUrl)
    startFrigateIngest(deps.config.frigateMqttUrl, deps.pool, runtime, log, deps.config.deadLetterMaxBytes);
  return runtime;
}

/**
 * Optional: reads from Frigate over MQTT (GRIDOPS_FRIGATE_MQTT_URL). Frigate camera names are
 * the device ids to register. Runs for the life of the process.
 */
function startFrigateIngest(
  url: string,
  pool: Pool,
  runtime: PlatesRuntime,
  log: Logger,
  maxBytes: number,
): void {
  const frigateLog = log.child({ component: "frigate" });
  const subscriber = startFrigateSubscriber({
    url,
    onRead: async (read) => {
      const receivedAt = new Date();
      try {
        await runtime.ingest.ingestParsed(
          [read],
          { kind: "integration", actor: "integration:frigate" },
          receivedAt,
        );
      } catch (error) {
        const reason = error as { code?: string; message?: string; messageZh?: string };
        await recordDeadLetter(pool, {
          request: {
            // Stored in the generic format so it can be replayed once the camera is registered.
            format: "generic",
            body: Buffer.from(JSON.stringify(toGenericPayload(read))),
            contentType: "application/json",
            headers: {},
            sourceIp: null,
            receivedAt,
            deviceHint: read.deviceId,
            actor: "integration:frigate",
          },
          reason: {
            code: reason.code ?? "unknown_device",
            message: reason.message ?? String(error),
            messageZh: reason.messageZh ?? reason.message ?? String(error),
          },
          maxPayloadBytes: maxBytes,
        });
      }
    },
    onDeadLetter: async (letter) => {
      await recordDeadLetter(pool, {
        request: {
          format: "frigate",
          body: letter.payload,
          contentType: "application/json",
          headers: { "mqtt-topic": letter.topic },
          sourceIp: null,
          receivedAt: letter.receivedAt,
          deviceHint: null,
          actor: "integration:frigate",
        },
        reason: {
          code: letter.error.code,
          message: letter.error.message,
          messageZh: letter.error.messageZh,
          field: letter.error.field,
        },
        maxPayloadBytes: maxBytes,
      });
    },
    onError: (error) => frigateLog.warn({ err: error }, "frigate subscriber error"),
  });
  const timer = setTimeout(
    () => frigateLog.warn({ url }, "frigate broker not reachable yet; still trying"),
    10_000,
  );
  timer.unref();
  subscriber.ready.then(() => {
    clearTimeout(timer);
    frigateLog.info({ url }, "subscribed to frigate/events");
  });
}

/** A normalised read written back as a generic-format push (pictures by URL only). */
export function toGenericPayload(read: PlateRead): GenericPlateRead {
  return {
    plate: read.plateRaw || read.plateText,
    plateColour: read.plateColour,
    confidence: read.confidence,
    capturedAt: read.capturedAt.toISOString(),
    deviceId: read.deviceId,
    channel: read.channel,
    lane: read.lane !== null && read.lane >= 0 && read.lane <= 99 ? read.lane : null,
    direction: read.direction,
    vehicleType: read.vehicleType,
    vehicleColour: read.vehicleColour,
    eventId: read.vendorEventId,
    images: read.images.flatMap((i) => ("url" in i ? [{ role: i.role, url: i.url }] : [])),
    details: Object.fromEntries(Object.entries(read.details).slice(0, 32)),
  };
}
