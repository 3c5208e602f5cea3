import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import type { PlateParseLimits } from "./parser-kit.js";
import { frigateParser } from "./parsers/frigate.js";
import { PlateParseError } from "./plate-errors.js";
import type { PlateRead } from "./plate-read.js";

export interface FrigateDeadLetter {
  topic: string;
  payload: Buffer;
  error: PlateParseError;
  receivedAt: Date;
}

export interface FrigateSubscriberOptions {
  /** Broker URL, e.g. "mqtt://127.0.0.1:1883". */
  url: string;
  /** Default "frigate/events"; follow Frigate's `mqtt.topic_prefix` if changed. */
  topic?: string;
  onRead: (read: PlateRead) => void | Promise<void>;
  onDeadLetter: (letter: FrigateDeadLetter) => void | Promise<void>;
  /** Called when onRead/onDeadLetter throw or the client reports an error; default: ignore. */
  onError?: (error: unknown) => void;
  clientOptions?: IClientOptions;
  deviceTimeZone?: string;
  limits?: Partial<PlateParseLimits>;
  /** How many Frigate event ids to remember for de-duplication (default 10,000). */
  rememberEvents?: number;
}

export interface FrigateSubscriber {
  client: MqttClient;
  /** Resolves once the subscription is acknowledged by the broker. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Frigate republishes a tracked object on every improvement, so one car yields many
 * messages with the same id. A read is emitted only when an event's plate text first
 * appears or changes; the read's vendorEventId (object id and plate) makes a corrected plate a
 * read of its own at the server, and a repeat a duplicate.
 */
class SeenPlates {
  private readonly plates = new Map<string, string>();
  constructor(private readonly capacity: number) {}

  isNew(eventId: string, plateText: string): boolean {
    if (this.plates.get(eventId) === plateText) return false;
    this.plates.delete(eventId);
    this.plates.set(eventId, plateText);
    if (this.plates.size > this.capacity) {
      const oldest = this.plates.keys().next().value;
      if (oldest !== undefined) this.plates.delete(oldest);
    }
    return true;
  }
}

export function startFrigateSubscriber(options: FrigateSubscriberOptions): FrigateSubscriber {
  const topic = options.topic ?? "frigate/events";
  const seen = new SeenPlates(options.rememberEvents ?? 10_000);
  const onError = options.onError ?? (() => {});
  const client = mqtt.connect(options.url, { reconnectPeriod: 2000, ...options.clientOptions });

  const handle = async (messageTopic: string, payload: Buffer): Promise<void> => {
    const receivedAt = new Date();
    try {
      const reads = await frigateParser.parse({
        body: payload,
        contentType: "application/json",
        receivedAt,
        ...(options.deviceTimeZone === undefined ? {} : { deviceTimeZone: options.deviceTimeZone }),
        ...(options.limits === undefined ? {} : { limits: options.limits }),
      });
      for (const read of reads) {
        if (read.vendorEventId === null || seen.isNew(read.vendorEventId, read.plateText))
          await options.onRead(read);
      }
    } catch (error) {
      if (error instanceof PlateParseError) {
        await options.onDeadLetter({ topic: messageTopic, payload, error, receivedAt });
      } else {
        throw error;
      }
    }
  };

  client.on("message", (messageTopic, payload) => {
    handle(messageTopic, payload).catch(onError);
  });
  client.on("error", onError);

  const ready = new Promise<void>((resolve, reject) => {
    const subscribe = () =>
      client.subscribe(topic, { qos: 0 }, (error) => (error ? reject(error) : resolve()));
    if (client.connected) subscribe();
    else client.once("connect", subscribe);
  });
  ready.catch(onError);

  return {
    client,
    ready,
    stop: () => new Promise<void>((resolve) => client.end(false, {}, () => resolve())),
  };
}
