import { type OnvifSimulator, startOnvifSimulator } from "@gridops/camera-adapters/sim/index";
import {
  findClosedPort,
  readJpegSize,
  startTestRtspServer,
  type TestRtspServer,
} from "@gridops/camera-adapters/stream/index";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppDeps } from "../../app-deps.js";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";
import { sealCredentials } from "../cameras/cameras.service.js";
import { initialCameraHealth, machineOf } from "./health.service.js";
import { insertMissingHealthRows } from "./health.sql.js";
import { CameraPoller } from "./poller.js";

// The real poller's deep path against the ONVIF simulator (PullPoint event states) and live
// ffmpeg lavfi test streams relayed over RTSP: ffprobe against the promised profile, the
// black/freeze sample, the snapshot, and the states, reasons and rows they lead to.

let ts: TestServer;
let deps: AppDeps;
let sim: OnvifSimulator;
let poller: CameraPoller;
const streams: Record<"guarded" | "normal" | "black" | "frozen", TestRtspServer> = {} as never;
const shape = { width: 160, height: 120, fps: 10 };

interface Profile {
  url: string;
  codec: string;
  width: number;
  height: number;
  fps: number;
}
const promised = (url: string, overrides: Partial<Profile> = {}): Profile => ({
  url,
  codec: "H264",
  ...shape,
  ...overrides,
});

/** Inventory camera `id` = simulator camera `index`, main profile `profile`, in a real grid cell. */
async function addCamera(id: string, index: number, profile: Profile | null): Promise<void> {
  const cam = sim.cameras[index]!;
  await deps.pool.query(
    `INSERT INTO cameras (id, name, vendor, geom, cell_code, onvif_address, credentials_enc, rtsp_profiles)
     SELECT $1, 'Deep ' || $1, $2, ST_PointOnSurface(c.geom), c.code, $3, $4, $5::jsonb
       FROM cells c WHERE c.level = 'grid' ORDER BY c.code LIMIT 1`,
    [
      id,
      cam.vendor,
      cam.deviceServiceUrl,
      sealCredentials(deps.keyring, { username: cam.username, password: cam.password }),
      JSON.stringify(
        profile ? [{ token: "main", name: "main", snapshot_url: null, bitrate_kbps: null, ...profile }] : [],
      ),
    ],
  );
}

const health = async (id: string) =>
  (
    await deps.pool.query<{
      state: string;
      reasons: string[];
      deep_findings: {
        image: string | null;
        deviations: { kind: string }[];
        events: Record<string, boolean>;
      };
      last_deep_check_at: Date | null;
    }>("SELECT state, reasons, deep_findings, last_deep_check_at FROM camera_health WHERE camera_id = $1", [
      id,
    ])
  ).rows[0]!;

const transitions = async (id: string) =>
  (
    await deps.pool.query<{ from_state: string; to_state: string; reasons: string[] }>(
      `SELECT from_state, to_state, reasons FROM camera_events
        WHERE camera_id = $1 AND kind = 'state_changed' ORDER BY id`,
      [id],
    )
  ).rows;

const liveStatuses = async (id: string) =>
  (
    await deps.pool.query<{ payload: { status: string; reason: string | null } }>(
      "SELECT payload FROM outbox WHERE topic = 'camera.status' AND camera_id = $1 ORDER BY id",
      [id],
    )
  ).rows.map((r) => r.payload);

const snapshotOf = async (id: string) =>
  (
    await deps.pool.query<{ image: Buffer; width: number; height: number }>(
      "SELECT image, width, height FROM camera_snapshots WHERE camera_id = $1",
      [id],
    )
  ).rows[0];

const deepCheckRows = async (id: string) =>
  (
    await deps.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM camera_health_checks WHERE camera_id = $1 AND depth = 'deep'",
      [id],
    )
  ).rows[0]!.n;

const cameraIds = [
  "DEEP-OK",
  "DEEP-BLACK",
  "DEEP-FROZEN",
  "DEEP-PROFILE",
  "DEEP-TAMPER",
  "DEEP-VLOSS",
  "DEEP-NOSTREAM",
  "DEEP-NOPROFILE",
];
/** Each camera's state right after its deep check (before the two shallow checks that follow). */
const afterDeep = new Map<string, string>();

beforeAll(async () => {
  ts = await startTestServer();
  deps = ts.server.deps;
  // One listener per camera: the deep limiter (one check per host at a time) then lets the
  // cameras' deep checks run side by side instead of queueing behind one simulator port.
  sim = await startOnvifSimulator({ count: 8, seed: 31, digestShare: 0, listeners: 8 });
  const [guarded, normal, black, frozen] = await Promise.all([
    // The camera's own credentials guard its stream, as on a real camera (Digest, from the URL).
    startTestRtspServer({
      ...shape,
      pattern: "normal",
      auth: { scheme: "digest", username: sim.cameras[0]!.username, password: sim.cameras[0]!.password },
    }),
    startTestRtspServer({ ...shape, pattern: "normal" }),
    startTestRtspServer({ ...shape, pattern: "black" }),
    startTestRtspServer({ ...shape, pattern: "frozen" }),
  ]);
  Object.assign(streams, { guarded, normal, black, frozen });
  await addCamera("DEEP-OK", 0, promised(guarded.url));
  await addCamera("DEEP-BLACK", 1, promised(black.url));
  await addCamera("DEEP-FROZEN", 2, promised(frozen.url));
  await addCamera("DEEP-PROFILE", 3, promised(normal.url, { width: 1920, height: 1080, codec: "H265" }));
  // A covered lens: the tamper alarm and a black picture.
  await addCamera("DEEP-TAMPER", 4, promised(black.url));
  await addCamera("DEEP-VLOSS", 5, promised(normal.url));
  await addCamera("DEEP-NOSTREAM", 6, promised(`rtsp://127.0.0.1:${await findClosedPort()}/live`));
  await addCamera("DEEP-NOPROFILE", 7, null);
  await insertMissingHealthRows(deps.pool, machineOf(initialCameraHealth(new Date())));
  poller = new CameraPoller(deps, {
    requestTimeoutMs: 3_000,
    checkDeadlineMs: 5_000,
    deepDeadlineMs: 30_000,
    deepConcurrency: 8,
    deepSampleSeconds: 2,
    writeBatchDelayMs: 5,
  });
  // One polling sequence for every camera (deep checks take seconds each; they run side by
  // side): a first shallow check (unknown → online), the alarms raised, one deep check, then
  // two shallow checks, so three observations carry the deep findings: the default damping.
  await poller.checkNow(cameraIds);
  sim.setFault(sim.cameras[4]!.id, { kind: "tamper" });
  sim.setFault(sim.cameras[5]!.id, { kind: "video_loss" });
  await poller.checkNow(cameraIds, "deep");
  for (const id of cameraIds) afterDeep.set(id, (await health(id)).state);
  await poller.checkNow(cameraIds);
  await poller.checkNow(cameraIds);
}, 120_000);

afterAll(async () => {
  await poller?.close();
  await sim?.close();
  await Promise.all(Object.values(streams).map((s) => s.close()));
  await ts?.close();
});

describe("deep checks inside the poller", () => {
  it("a healthy stream that keeps its promise stays online, with a stored snapshot and findings", async () => {
    const after = await health("DEEP-OK");
    expect(after.state).toBe("online");
    expect(after.reasons).toEqual(["checks_passed"]);
    expect(after.deep_findings).toMatchObject({
      image: "ok",
      deviations: [],
      events: { tamper: false, videoLoss: false, storageFailure: false },
    });
    expect(after.last_deep_check_at).not.toBeNull();
    const snapshot = await snapshotOf("DEEP-OK");
    expect(snapshot).toBeDefined();
    expect(readJpegSize(snapshot!.image)).toEqual({ width: 480, height: 360 });
    expect(snapshot).toMatchObject({ width: 480, height: 360 });
    expect(await deepCheckRows("DEEP-OK")).toBe(1);
    // The stream's Digest challenge was answered with the camera's stored credentials.
    expect(streams.guarded.requests.some((r) => r.authorization?.startsWith("Digest "))).toBe(true);
    // The snapshot is what the technician's camera page shows.
    const tech = await TestClient.loggedIn(ts.url, "tech1", ts.demoPassword);
    const served = await tech.get("/api/v1/cameras/DEEP-OK/snapshot");
    expect(served.status).toBe(200);
  });

  it("black and frozen pictures become no_video after the damping, with their reasons, events and live updates", async () => {
    // One bad observation is not enough (three to go down).
    expect(afterDeep.get("DEEP-BLACK")).toBe("online");
    expect(afterDeep.get("DEEP-FROZEN")).toBe("online");
    expect(await health("DEEP-BLACK")).toMatchObject({ state: "no_video", reasons: ["black_image"] });
    expect(await health("DEEP-FROZEN")).toMatchObject({ state: "no_video", reasons: ["frozen_image"] });
    expect(await transitions("DEEP-BLACK")).toEqual([
      { from_state: "unknown", to_state: "online", reasons: ["checks_passed"] },
      { from_state: "online", to_state: "no_video", reasons: ["black_image"] },
    ]);
    expect(await liveStatuses("DEEP-FROZEN")).toEqual([
      expect.objectContaining({ status: "online" }),
      expect.objectContaining({ status: "no_video", reason: "frozen_image" }),
    ]);
    // A black picture is still a picture: the snapshot is kept for the technician.
    expect(await snapshotOf("DEEP-BLACK")).toBeDefined();
    expect(await deepCheckRows("DEEP-BLACK")).toBe(1);
  });

  it("a stream that breaks its promised profile is degraded, naming what differs", async () => {
    const after = await health("DEEP-PROFILE");
    expect(after.state).toBe("degraded");
    expect(after.reasons).toEqual(expect.arrayContaining(["codec_mismatch", "resolution_mismatch"]));
    expect(after.deep_findings.image).toBe("ok");
  });

  it("tamper and video-loss alarms read over PullPoint make the camera tampered / no_video, and it recovers when they clear", async () => {
    const tamper = await health("DEEP-TAMPER");
    // Tamper wins over the black picture a covered lens gives; both are named.
    expect(tamper).toMatchObject({ state: "tampered", reasons: ["tamper_event", "black_image"] });
    expect(tamper.deep_findings.events).toMatchObject({ tamper: true, videoLoss: false });
    expect(await health("DEEP-VLOSS")).toMatchObject({ state: "no_video", reasons: ["video_loss_event"] });
    expect(await liveStatuses("DEEP-TAMPER")).toEqual([
      expect.objectContaining({ status: "online" }),
      expect.objectContaining({ status: "tampered", reason: "tamper_event" }),
    ]);
    // The deep check subscribed, read the current states and unsubscribed: nothing left open.
    expect(sim.stats(sim.cameras[4]!.id)).toMatchObject({ subscriptionsCreated: 1, activeSubscriptions: 0 });

    // The alarm clears: the next deep check's findings replace the old ones, two good observations recover.
    sim.setFault(sim.cameras[5]!.id, { kind: "video_loss", active: false });
    await poller.checkNow(["DEEP-VLOSS"], "deep");
    await poller.checkNow(["DEEP-VLOSS"]);
    expect(await health("DEEP-VLOSS")).toMatchObject({ state: "online", reasons: ["checks_passed"] });
    expect(await transitions("DEEP-VLOSS")).toEqual([
      { from_state: "unknown", to_state: "online", reasons: ["checks_passed"] },
      { from_state: "online", to_state: "no_video", reasons: ["video_loss_event"] },
      { from_state: "no_video", to_state: "online", reasons: ["checks_passed"] },
    ]);
  });

  it("a camera whose ONVIF answers but whose stream port is dead is no_video, with no snapshot", async () => {
    expect(afterDeep.get("DEEP-NOSTREAM")).toBe("online");
    const after = await health("DEEP-NOSTREAM");
    expect(after).toMatchObject({ state: "no_video", reasons: ["no_video_frames"] });
    expect(after.deep_findings.image).toBe("no_video");
    expect(await snapshotOf("DEEP-NOSTREAM")).toBeUndefined();
  });

  it("a camera without a stream profile gets event states only, and stays online", async () => {
    expect(await health("DEEP-NOPROFILE")).toMatchObject({ state: "online", reasons: ["checks_passed"] });
    expect((await health("DEEP-NOPROFILE")).deep_findings).toMatchObject({ image: null, deviations: [] });
  });
});
