import type { FrigateSubscriber } from "@gridops/camera-adapters/plates/index";
import type { Config } from "../../config.js";
import type { Pool } from "../../db/pool.js";
import type { Logger } from "../../logger.js";
import { hotlistHitHook, hotlistMayHit } from "../hotlists/hits.service.js";
import { HotlistMatcherCache } from "../hotlists/hotlist-matcher-cache.js";
import type { Keyring } from "../secrets/keyring.js";
import { DeviceAuthenticator } from "./device-auth.js";
import { DeviceRegistry } from "./device-registry.js";
import { startFrigateIngest } from "./frigate-ingest.js";
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
  /** The Frigate MQTT subscriber when GRIDOPS_FRIGATE_MQTT_URL is set (runs for the life of the app). */
  frigate: FrigateSubscriber | null;
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
      ? {
          maxBatchReads: 1,
          maxConcurrentFlushes: Math.max(1, Math.floor((deps.config.poolMax ?? 10) / 2)),
          minReadsForParallelFlush: 1,
          autocommit: false,
        }
      : {}),
    ...queueOptions,
  });
  const hotlists = new HotlistMatcherCache(log.child({ component: "hotlist-matcher" }));
  queue.onStored(hotlistHitHook(hotlists, log, deps.pool), hotlistMayHit(hotlists, deps.pool));
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
    frigate: deps.config.frigateMqttUrl
      ? startFrigateIngest({
          url: deps.config.frigateMqttUrl,
          pool: deps.pool,
          ingest,
          log,
          deadLetterMaxBytes: deps.config.deadLetterMaxBytes,
        })
      : null,
  };
  runtimes.set(deps, runtime);
  return runtime;
}
