import { provinceAbbreviations } from "../plates/plate-grammar.js";

/**
 * Simulated plate-recognition cameras for the demo, tests and benchmarks: each virtual device
 * pushes reads to GridOps' ingest endpoint in its vendor's wire format, at a steady rate.
 */
export type FeedFormat = "generic" | "hikvision-isapi" | "chinese-parking";

export interface FeedDevice {
  deviceId: string;
  format: FeedFormat;
  lane?: number;
}

export interface PlateFeedOptions {
  /** Base URL of the server, e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  /** API token with plates:ingest. */
  token: string;
  devices: FeedDevice[];
  /** Reads per second across all devices. */
  ratePerSecond: number;
  seed?: number;
  /** Plates emitted now and then (e.g. demo hotlist entries), with this probability per read. */
  watchPlates?: { plates: string[]; probability: number };
  fetchImpl?: typeof fetch;
  now?: () => Date;
}

export interface PlateFeed {
  stats(): { sent: number; accepted: number; rejected: number; failed: number };
  stop(): Promise<void>;
}

const LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"; // no I or O on Chinese plates
const DIGITS = "0123456789";

/** Mulberry32: small, seeded, good enough to make plates look varied and stay repeatable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (rng: () => number, chars: string | readonly string[]) =>
  chars[Math.floor(rng() * chars.length)]!;

/** A plausible plate: mostly local blue plates, some yellow and new-energy ones. */
export function randomPlate(
  rng: () => number,
  localProvince = "浙",
  localLetter = "A",
): { plate: string; colour: "blue" | "yellow" | "green" } {
  const local = rng() < 0.7;
  const province = local ? localProvince : pick(rng, provinceAbbreviations);
  const city = local ? localLetter : pick(rng, "ABCDEFGH");
  const roll = rng();
  if (roll < 0.15) {
    // Small new-energy car: D or F, then a letter or digit, then four digits.
    const tail = `${pick(rng, "DF")}${pick(rng, LETTERS + DIGITS)}${Array.from({ length: 4 }, () => pick(rng, DIGITS)).join("")}`;
    return { plate: `${province}${city}${tail}`, colour: "green" };
  }
  const body = Array.from({ length: 5 }, (_, i) =>
    i < 2 && rng() < 0.3 ? pick(rng, LETTERS) : pick(rng, DIGITS),
  ).join("");
  return { plate: `${province}${city}${body}`, colour: roll < 0.25 ? "yellow" : "blue" };
}

export interface FeedPayload {
  body: string;
  contentType: string;
}

/** One read in the device's wire format. */
export function renderPayload(
  device: FeedDevice,
  plate: string,
  colour: string,
  at: Date,
  eventId: string,
): FeedPayload {
  switch (device.format) {
    case "generic":
      return {
        contentType: "application/json",
        body: JSON.stringify({
          plate,
          plateColour: colour,
          confidence: 0.9,
          capturedAt: at.toISOString(),
          deviceId: device.deviceId,
          lane: device.lane ?? null,
          eventId,
        }),
      };
    case "hikvision-isapi": {
      const local = new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19);
      return {
        contentType: "application/xml; charset=utf-8",
        body: `<?xml version="1.0" encoding="UTF-8"?>
<EventNotificationAlert version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema">
<ipAddress>10.20.0.15</ipAddress>
<macAddress>${device.deviceId}</macAddress>
<channelID>1</channelID>
<dateTime>${local}+08:00</dateTime>
<activePostCount>1</activePostCount>
<eventType>ANPR</eventType>
<eventState>active</eventState>
<eventDescription>ANPR</eventDescription>
<ANPR>
<country>59</country>
<licensePlate>${plate}</licensePlate>
<line>${device.lane ?? 1}</line>
<direction>forward</direction>
<confidenceLevel>90</confidenceLevel>
<plateColor>${colour}</plateColor>
<vehicleType>vehicle</vehicleType>
</ANPR>
<UUID>${eventId}</UUID>
</EventNotificationAlert>`,
      };
    }
    case "chinese-parking": {
      const colourType: Record<string, number> = { blue: 1, yellow: 2, white: 3, black: 4, green: 5 };
      return {
        contentType: "application/json",
        body: JSON.stringify({
          AlarmInfoPlate: {
            channel: 0,
            deviceName: "IVS",
            ipaddr: "10.20.0.16",
            serialno: device.deviceId,
            result: {
              PlateResult: {
                license: plate,
                colorType: colourType[colour] ?? 0,
                confidence: 90,
                plateid: eventId,
                timeStamp: {
                  Timeval: { sec: Math.floor(at.getTime() / 1000), usec: (at.getTime() % 1000) * 1000 },
                },
              },
            },
          },
        }),
      };
    }
  }
}

/** Starts pushing reads; stop() waits for requests in flight. */
export function startPlateFeedSimulator(opts: PlateFeedOptions): PlateFeed {
  if (opts.devices.length === 0) throw new Error("startPlateFeedSimulator needs at least one device");
  if (!(opts.ratePerSecond > 0)) throw new Error("ratePerSecond must be positive");
  const rng = seededRandom(opts.seed ?? 1);
  const doFetch = opts.fetchImpl ?? fetch;
  const now = opts.now ?? (() => new Date());
  const counts = { sent: 0, accepted: 0, rejected: 0, failed: 0 };
  const inFlight = new Set<Promise<void>>();
  let sequence = 0;

  const sendOne = async () => {
    const device = opts.devices[Math.floor(rng() * opts.devices.length)]!;
    const watch = opts.watchPlates;
    const chosen =
      watch && watch.plates.length && rng() < watch.probability
        ? { plate: pick(rng, watch.plates), colour: "blue" as const }
        : randomPlate(rng);
    sequence += 1;
    const payload = renderPayload(
      device,
      chosen.plate,
      chosen.colour,
      now(),
      `sim-${device.deviceId}-${sequence}`,
    );
    counts.sent += 1;
    try {
      const res = await doFetch(`${opts.baseUrl}/api/v1/ingest/plates/${device.format}`, {
        method: "POST",
        headers: { "content-type": payload.contentType, authorization: `Bearer ${opts.token}` },
        body: payload.body,
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      if (res.ok) counts.accepted += 1;
      else counts.rejected += 1;
    } catch {
      counts.failed += 1;
    }
  };

  const intervalMs = Math.max(10, 1000 / opts.ratePerSecond);
  const perTick = Math.max(1, Math.round(opts.ratePerSecond / (1000 / intervalMs)));
  const timer = setInterval(() => {
    for (let i = 0; i < perTick; i++) {
      const p = sendOne().finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
  }, intervalMs);
  timer.unref();

  return {
    stats: () => ({ ...counts }),
    stop: async () => {
      clearInterval(timer);
      await Promise.allSettled([...inFlight]);
    },
  };
}
