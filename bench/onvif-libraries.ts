/**
 * The comparison behind docs/decisions/0030-onvif-client.md: node-onvif 0.1.7, `onvif` (agsh)
 * 0.8.3 and our client (camera-adapters/src/onvif), run against the ONVIF simulator and the
 * captured device responses in camera-adapters/src/onvif/fixtures.
 *
 *   npx tsx --conditions=development bench/onvif-libraries.ts
 *
 * Prints one Markdown table: per check, how many of the cameras (or fixtures) each client
 * handled, with the first error seen. Needs both libraries installed (devDependencies of
 * camera-adapters); nothing here is used at runtime.
 *
 * The simulator's cameras advertise LAN XAddrs (192.168.x.y) as cameras behind NAT do, a
 * quarter insist on HTTP Digest, and clock skew is a simulator fault. The checks:
 *  1. connect and read device information (node-onvif `init`, onvif `connect` +
 *     `getDeviceInformation` with and without `preserveAddress`, ours `getDeviceInformation`);
 *  2. the same on the Digest cameras only;
 *  3. media profiles known after connecting (and whether an H.265 one is among them);
 *  4. an authenticated call with the camera clock 300 s ahead, and with the clock jumping
 *     300 s after the client connected (same client object);
 *  5. PullPoint: subscribe and pull the initial event states;
 *  6. captured responses: each library's SOAP parser over every fixture;
 *  7. a response carrying a DOCTYPE with an external entity (XXE): refused or parsed.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createOnvifDevice } from "../camera-adapters/src/onvif/index.js";
import { parseXml } from "../camera-adapters/src/onvif/xml.js";
import {
  type OnvifSimulator,
  type SimulatedCamera,
  startOnvifSimulator,
} from "../camera-adapters/src/sim/index.js";

const require = createRequire(import.meta.url);
const fixturesDir = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "camera-adapters",
  "src",
  "onvif",
  "fixtures",
);

// The two libraries ship no type declarations; these are the few members used here.
interface NodeOnvifDevice {
  init(): Promise<unknown>;
  getInformation(): { Model?: string } | null;
  getProfileList(): { video?: { encoder?: { encoding?: string } } }[];
}
interface NodeOnvifModule {
  OnvifDevice: new (params: { xaddr: string; user: string; pass: string }) => NodeOnvifDevice;
}
interface NodeOnvifSoap {
  parse(xml: string): Promise<unknown>;
}
type Callback<T> = (error: Error | null, value: T) => void;
interface AgshCam {
  profiles?: { videoEncoderConfiguration?: { encoding?: string } }[];
  connect(callback: Callback<unknown>): void;
  getDeviceInformation(callback: Callback<{ model?: string }>): void;
  createPullPointSubscription(callback: Callback<unknown>): void;
  pullMessages(options: { timeout: number; messageLimit: number }, callback: Callback<unknown>): void;
}
interface AgshModule {
  Cam: new (options: {
    hostname: string;
    port: number;
    path: string;
    username: string;
    password: string;
    timeout: number;
    preserveAddress: boolean;
    autoconnect: boolean;
  }) => AgshCam;
}
interface AgshUtils {
  parseSOAPString(xml: string, callback: (error: Error | null, result: unknown) => void): void;
}

const nodeOnvif = require("node-onvif") as NodeOnvifModule;
const nodeOnvifSoap = require("node-onvif/lib/modules/soap.js") as NodeOnvifSoap;
const agsh = require("onvif") as AgshModule;
const agshUtils = require("onvif/lib/utils.js") as AgshUtils;

const TIMEOUT_MS = 6_000;

/** Every library call is raced against a timeout: a hung callback counts as a failure, not a hang. */
function within<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const callback = <T>(run: (done: Callback<T>) => void): Promise<T> =>
  within(
    new Promise<T>((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value)))),
  );

interface Tally {
  ok: number;
  of: number;
  firstError: string | null;
  extra: string[];
}
const tally = (): Tally => ({ ok: 0, of: 0, firstError: null, extra: [] });
const describe = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").slice(0, 90);

async function count(
  items: readonly SimulatedCamera[],
  attempt: (cam: SimulatedCamera) => Promise<string | null>,
) {
  const t = tally();
  for (const cam of items) {
    t.of += 1;
    try {
      const note = await attempt(cam);
      t.ok += 1;
      if (note) t.extra.push(note);
    } catch (error) {
      t.firstError ??= describe(error);
    }
  }
  return t;
}

const agshCam = (cam: SimulatedCamera, preserveAddress: boolean): AgshCam => {
  const url = new URL(cam.deviceServiceUrl);
  return new agsh.Cam({
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    username: cam.username,
    password: cam.password,
    timeout: 5_000,
    preserveAddress,
    autoconnect: false,
  });
};

type Client = "node-onvif 0.1.7" | "onvif 0.8.3" | "onvif 0.8.3, preserveAddress" | "ours";
const clients: Client[] = ["node-onvif 0.1.7", "onvif 0.8.3", "onvif 0.8.3, preserveAddress", "ours"];

/** Connect + device information; returns the model so a row shows what was read. */
function connectAndIdentify(client: Client) {
  return async (cam: SimulatedCamera): Promise<string | null> => {
    if (client === "node-onvif 0.1.7") {
      const device = new nodeOnvif.OnvifDevice({
        xaddr: cam.deviceServiceUrl,
        user: cam.username,
        pass: cam.password,
      });
      await within(device.init());
      if (!device.getInformation()?.Model) throw new Error("no model read");
      return null;
    }
    if (client === "ours") {
      const device = createOnvifDevice({
        address: cam.deviceServiceUrl,
        username: cam.username,
        password: cam.password,
        timeoutMs: 5_000,
      });
      if (!(await device.getDeviceInformation()).model) throw new Error("no model read");
      return null;
    }
    const c = agshCam(cam, client.endsWith("preserveAddress"));
    await callback<unknown>((done) => c.connect(done));
    const info = await callback<{ model?: string }>((done) => c.getDeviceInformation(done));
    if (!info.model) throw new Error("no model read");
    return null;
  };
}

/** Profiles known after connecting; notes "H265" when one is among them. */
function profilesAfterConnect(client: Client) {
  return async (cam: SimulatedCamera): Promise<string | null> => {
    let encodings: string[];
    if (client === "node-onvif 0.1.7") {
      const device = new nodeOnvif.OnvifDevice({
        xaddr: cam.deviceServiceUrl,
        user: cam.username,
        pass: cam.password,
      });
      await within(device.init());
      encodings = device.getProfileList().map((p) => p.video?.encoder?.encoding ?? "?");
    } else if (client === "ours") {
      const device = createOnvifDevice({
        address: cam.deviceServiceUrl,
        username: cam.username,
        password: cam.password,
        timeoutMs: 5_000,
      });
      encodings = (await device.getProfiles()).map((p) => p.video?.codec ?? "?");
    } else {
      const c = agshCam(cam, client.endsWith("preserveAddress"));
      await callback<unknown>((done) => c.connect(done));
      encodings = (c.profiles ?? []).map((p) => p.videoEncoderConfiguration?.encoding ?? "?");
    }
    if (encodings.length === 0) throw new Error("connected, but no profiles");
    return encodings.some((e) => /265|hevc/i.test(e)) ? "H265" : null;
  };
}

/** Connected with the camera clock right, then the clock jumps (NTP step, battery reset): the same client calls again. */
function clockJump(client: Client, sim: OnvifSimulator) {
  return async (cam: SimulatedCamera): Promise<string | null> => {
    try {
      if (client === "node-onvif 0.1.7") {
        const device = new nodeOnvif.OnvifDevice({
          xaddr: cam.deviceServiceUrl,
          user: cam.username,
          pass: cam.password,
        });
        await within(device.init());
        sim.setFault(cam.id, { kind: "clock_drift", seconds: 300 });
        await within(device.init());
        return null;
      }
      if (client === "ours") {
        const device = createOnvifDevice({
          address: cam.deviceServiceUrl,
          username: cam.username,
          password: cam.password,
          timeoutMs: 5_000,
        });
        await device.getDeviceInformation();
        sim.setFault(cam.id, { kind: "clock_drift", seconds: 300 });
        await device.getDeviceInformation();
        return null;
      }
      const c = agshCam(cam, client.endsWith("preserveAddress"));
      await callback<unknown>((done) => c.connect(done));
      sim.setFault(cam.id, { kind: "clock_drift", seconds: 300 });
      await callback<unknown>((done) => c.getDeviceInformation(done));
      return null;
    } finally {
      sim.clearFaults(cam.id);
    }
  };
}

function pullPoint(client: Client) {
  return async (cam: SimulatedCamera): Promise<string | null> => {
    if (client === "node-onvif 0.1.7") throw new Error("no PullPoint support");
    if (client === "ours") {
      const device = createOnvifDevice({
        address: cam.deviceServiceUrl,
        username: cam.username,
        password: cam.password,
        timeoutMs: 5_000,
      });
      const subscription = await device.createPullPointSubscription(60);
      const pulled = await device.pullMessages(subscription, { timeoutSec: 1, limit: 10 });
      await device.unsubscribe(subscription).catch(() => {});
      if (pulled.events.length === 0) throw new Error("no initial event states");
      return null;
    }
    const c = agshCam(cam, client.endsWith("preserveAddress"));
    await callback<unknown>((done) => c.connect(done));
    await callback<unknown>((done) => c.createPullPointSubscription(done));
    await callback<unknown>((done) => c.pullMessages({ timeout: 1_000, messageLimit: 10 }, done));
    return null;
  };
}

const doctype = (entity: string, use: string) =>
  `<?xml version="1.0"?><!DOCTYPE e [${entity}]>` +
  `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><r>${use}</r></s:Body></s:Envelope>`;
const dtdCases = {
  "DOCTYPE with an external entity (XXE)": doctype('<!ENTITY x SYSTEM "file:///etc/hostname">', "&x;"),
  "DOCTYPE with an internal entity (expansion bombs)": doctype('<!ENTITY x "EXPANDED">', "&x;"),
  "DOCTYPE, entity declared but not used": doctype('<!ENTITY x "EXPANDED">', "plain"),
};

/** Each library's own SOAP/XML parser on one document: resolves when it produced a result. */
function parserOf(client: Client): (xml: string) => Promise<unknown> {
  if (client === "node-onvif 0.1.7") return (xml) => within(nodeOnvifSoap.parse(xml));
  if (client === "ours") return async (xml) => parseXml(xml);
  // It reports a SOAP fault as an error: for a fault document that is the right reading.
  return (xml) =>
    within(
      new Promise((resolve, reject) =>
        agshUtils.parseSOAPString(xml, (error, result) =>
          error && !/^ONVIF SOAP Fault/.test(error.message) ? reject(error) : resolve(result ?? error),
        ),
      ),
    );
}

async function parseFixtures(client: Client): Promise<Tally> {
  const t = tally();
  const parse = parserOf(client);
  // probe-matches is a WS-Discovery datagram, not a SOAP response to a request.
  for (const name of readdirSync(fixturesDir).filter((n) => n.endsWith(".xml") && !n.startsWith("probe"))) {
    t.of += 1;
    try {
      await parse(readFileSync(path.join(fixturesDir, name), "utf8"));
      t.ok += 1;
    } catch (error) {
      t.firstError ??= `${name}: ${describe(error)}`;
    }
  }
  return t;
}

async function dtdVerdict(client: Client, xml: string): Promise<string> {
  try {
    const result = JSON.stringify(await parserOf(client)(xml));
    return result.includes("EXPANDED") ? "parsed, entity expanded" : "parsed (DOCTYPE accepted)";
  } catch (error) {
    return `refused: ${describe(error)}`;
  }
}

const cell = (t: Tally) =>
  `${t.ok}/${t.of}${t.extra.length ? ` (${[...new Set(t.extra)].join(", ")})` : ""}${t.firstError ? `; first error: ${t.firstError}` : ""}`;

async function main(): Promise<void> {
  const sim: OnvifSimulator = await startOnvifSimulator({ count: 8, seed: 30, digestShare: 0.25 });
  const rows: [string, Record<Client, string>][] = [];
  const row = async (check: string, run: (client: Client) => Promise<string>) => {
    const cells = {} as Record<Client, string>;
    for (const client of clients) cells[client] = await run(client);
    rows.push([check, cells]);
  };
  try {
    const digest = sim.cameras.filter((c) => c.authMode === "digest");
    await row("connect + device information, 8 cameras (4 vendor styles, LAN XAddrs)", async (c) =>
      cell(await count(sim.cameras, connectAndIdentify(c))),
    );
    await row(`the same, HTTP Digest cameras only (${digest.length})`, async (c) =>
      cell(await count(digest, connectAndIdentify(c))),
    );
    await row("profiles known after connecting (H265 noted when found)", async (c) =>
      cell(await count(sim.cameras, profilesAfterConnect(c))),
    );
    await row("PullPoint: subscribe and pull the initial states", async (c) =>
      cell(await count(sim.cameras, pullPoint(c))),
    );
    await row("camera clock jumps 300 s after connecting, same client calls again", async (c) =>
      cell(await count(sim.cameras, clockJump(c, sim))),
    );
    for (const cam of sim.cameras) sim.setFault(cam.id, { kind: "clock_drift", seconds: 300 });
    await row("connect + device information, camera clocks 300 s ahead", async (c) =>
      cell(await count(sim.cameras, connectAndIdentify(c))),
    );
    await row("captured responses (fixtures) through the library's parser", async (c) =>
      cell(await parseFixtures(c)),
    );
    for (const [check, xml] of Object.entries(dtdCases)) await row(check, (c) => dtdVerdict(c, xml));
  } finally {
    await sim.close();
  }
  console.log(`| check | ${clients.join(" | ")} |`);
  console.log(`|---|${clients.map(() => "---").join("|")}|`);
  for (const [check, cells] of rows)
    console.log(`| ${check} | ${clients.map((c) => cells[c]).join(" | ")} |`);
}

await main();
// The libraries leave keep-alive sockets and timers behind; the report is printed, so stop here.
process.exit(0);
