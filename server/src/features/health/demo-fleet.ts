import { type OnvifSimulator, type SimFault, startOnvifSimulator } from "@gridops/camera-adapters/sim/index";
import { startTestRtspServer, type TestRtspServer } from "@gridops/camera-adapters/stream/index";
import type { AppDeps } from "../../app-deps.js";
import { sealCredentials } from "../cameras/cameras.service.js";
import type { PollerOptions } from "./poller.js";
import { type RunningPoller, startCameraPoller } from "./poller-queue.js";

export interface DemoFleetOptions {
  /** Demo cameras (from the demo district, by id) to put behind the simulator. */
  count: number;
  /** Seconds between fault changes; 0 disables them. */
  faultEverySeconds?: number;
  /** Serve one test RTSP stream for deep checks and snapshots (needs ffmpeg). */
  rtsp?: boolean;
  seed?: number;
  poller?: PollerOptions;
}

export interface DemoCameraFleet {
  simulator: OnvifSimulator;
  rtsp: TestRtspServer | null;
  poller: RunningPoller;
  cameraIds: string[];
  stop(): Promise<void>;
}

const demoFaults: SimFault[] = [
  { kind: "offline", mode: "reset" },
  { kind: "offline", mode: "silent" },
  { kind: "auth_failure" },
  { kind: "clock_drift", seconds: 300 },
  { kind: "slow", delayMs: 8_000 },
  { kind: "tamper" },
  { kind: "video_loss" },
];

/**
 * Makes the demo map alive: an ONVIF simulator on loopback stands in for `count` demo
 * cameras (their ONVIF addresses and sealed credentials point at it), faults come and go,
 * and the health poller runs on the queue. `gridops demo` calls this after loading the district.
 */
export async function startDemoCameraFleet(deps: AppDeps, opts: DemoFleetOptions): Promise<DemoCameraFleet> {
  const log = deps.log.child({ feature: "health", component: "demo-fleet" });
  const { rows } = await deps.pool.query<{ id: string }>("SELECT id FROM cameras ORDER BY id LIMIT $1", [
    opts.count,
  ]);
  const simulator = await startOnvifSimulator({
    count: rows.length,
    seed: opts.seed ?? 2024,
    host: "127.0.0.1",
  });
  let rtsp: TestRtspServer | null = null;
  if (opts.rtsp ?? true) {
    rtsp = await startTestRtspServer({ width: 640, height: 360, fps: 10 }).catch((err: unknown) => {
      log.warn(
        { err: (err as Error).message },
        "demo RTSP stream not started (is ffmpeg installed?); deep checks will find no stream",
      );
      return null;
    });
  }
  const cameras = rows.map((row, i) => ({ id: row.id, sim: simulator.cameras[i]! }));
  await deps.pool.query(
    `UPDATE cameras c SET onvif_address = u.address, credentials_enc = u.sealed, rtsp_profiles = u.profiles,
            credentials_version = c.credentials_version + 1, updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS u(id text, address text, sealed text, profiles jsonb)
      WHERE c.id = u.id`,
    [
      JSON.stringify(
        cameras.map((c) => ({
          id: c.id,
          address: c.sim.deviceServiceUrl,
          sealed: sealCredentials(deps.keyring, { username: c.sim.username, password: c.sim.password }),
          profiles: rtsp
            ? [
                {
                  token: "main",
                  name: "main",
                  url: rtsp.url,
                  snapshot_url: null,
                  codec: "H264",
                  width: 640,
                  height: 360,
                  fps: 10,
                  bitrate_kbps: null,
                },
              ]
            : [],
        })),
      ),
    ],
  );
  // Re-pointed cameras are checked at once, whatever their schedule said before.
  await deps.pool.query("UPDATE camera_health SET next_check_at = now() WHERE camera_id = ANY($1::text[])", [
    cameras.map((c) => c.id),
  ]);
  // Every simulated camera shares one host: allow it the most the per-host limit does.
  const poller = await startCameraPoller(deps, {
    perHostConcurrency: 16,
    globalConcurrency: 128,
    ...opts.poller,
  });
  const faulty = new Map<string, SimFault>();
  let timer: NodeJS.Timeout | null = null;
  let step = 0;
  const rotateFaults = () => {
    step += 1;
    // Heal the oldest faults, break a few cameras: about one in twenty is in trouble.
    for (const [simId] of [...faulty].slice(
      0,
      Math.max(0, faulty.size - Math.ceil(cameras.length / 20)) + 1,
    )) {
      simulator.clearFaults(simId);
      faulty.delete(simId);
    }
    const target = cameras[(step * 7919) % cameras.length];
    const fault = demoFaults[step % demoFaults.length]!;
    if (target && !faulty.has(target.sim.id)) {
      simulator.setFault(target.sim.id, fault);
      faulty.set(target.sim.id, fault);
    }
  };
  if ((opts.faultEverySeconds ?? 20) > 0) {
    for (let i = 0; i < Math.ceil(cameras.length / 20); i += 1) rotateFaults();
    timer = setInterval(rotateFaults, (opts.faultEverySeconds ?? 20) * 1000);
    timer.unref();
  }
  log.info({ cameras: cameras.length, rtsp: rtsp?.url ?? null }, "demo camera fleet started");
  return {
    simulator,
    rtsp,
    poller,
    cameraIds: cameras.map((c) => c.id),
    stop: async () => {
      if (timer) clearInterval(timer);
      await poller.stop();
      await simulator.close();
      await rtsp?.close();
    },
  };
}
