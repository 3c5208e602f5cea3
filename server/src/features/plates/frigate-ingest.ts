import {
  type FrigateSubscriber,
  type GenericPlateRead,
  type PlateRead,
  startFrigateSubscriber,
} from "@gridops/camera-adapters/plates/index";
import type { Pool } from "../../db/pool.js";
import type { Logger } from "../../logger.js";
import { recordDeadLetter } from "../ingest/dead-letters.service.js";
import type { PlateIngest } from "./plate-ingest.service.js";

const ACTOR = "integration:frigate";

export interface FrigateIngestOptions {
  url: string;
  /** Frigate's `mqtt.topic_prefix` + "/events"; default "frigate/events". */
  topic?: string;
  pool: Pool;
  ingest: PlateIngest;
  log: Logger;
  deadLetterMaxBytes: number;
}

/**
 * Reads from Frigate over MQTT (GRIDOPS_FRIGATE_MQTT_URL): each new or changed plate of a
 * tracked object goes through the same mapping, duplicate check, group commit and hotlist
 * hook as an HTTP push. Frigate camera names are the device ids to register. MQTT at QoS 0
 * has no redelivery, so whatever cannot be stored becomes a dead letter: an unreadable
 * message as it came (format frigate), a read that could not be mapped or stored as a
 * generic-format push (replayable once the camera is registered).
 */
export function startFrigateIngest(opts: FrigateIngestOptions): FrigateSubscriber {
  const log = opts.log.child({ component: "frigate" });
  const keep = (
    request: Parameters<typeof recordDeadLetter>[1]["request"],
    reason: Parameters<typeof recordDeadLetter>[1]["reason"],
  ) => recordDeadLetter(opts.pool, { request, reason, maxPayloadBytes: opts.deadLetterMaxBytes });
  const subscriber = startFrigateSubscriber({
    url: opts.url,
    ...(opts.topic ? { topic: opts.topic } : {}),
    onRead: async (read) => {
      const receivedAt = new Date();
      try {
        await opts.ingest.ingestParsed([read], { kind: "integration", actor: ACTOR }, receivedAt);
      } catch (error) {
        const reason = opts.ingest.reasonForParsed(error);
        if (reason.code === "store_failed") log.error({ err: error }, "frigate read not stored");
        await keep(
          {
            format: "generic",
            body: Buffer.from(JSON.stringify(toGenericPayload(read))),
            contentType: "application/json",
            headers: {},
            sourceIp: null,
            receivedAt,
            deviceHint: read.deviceId,
            actor: ACTOR,
          },
          reason,
        );
      }
    },
    onDeadLetter: async (letter) => {
      await keep(
        {
          format: "frigate",
          body: letter.payload,
          contentType: "application/json",
          headers: { "mqtt-topic": letter.topic },
          sourceIp: null,
          receivedAt: letter.receivedAt,
          deviceHint: null,
          actor: ACTOR,
        },
        {
          code: letter.error.code,
          message: letter.error.message,
          messageZh: letter.error.messageZh,
          field: letter.error.field,
        },
      );
    },
    onError: (error) => log.warn({ err: error }, "frigate subscriber error"),
  });
  const timer = setTimeout(
    () => log.warn({ url: opts.url }, "frigate broker not reachable yet; still trying"),
    10_000,
  );
  timer.unref();
  subscriber.ready.then(
    () => {
      clearTimeout(timer);
      log.info({ url: opts.url }, "subscribed to frigate events");
    },
    () => clearTimeout(timer),
  );
  return subscriber;
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
