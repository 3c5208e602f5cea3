/**
 * The simulator side of bench/camera-poll.bench.ts, in its own process so the poller's CPU
 * and memory are measured alone: 10,000 simulated ONVIF cameras on loopback, each answering
 * after `rttMs` (the "slow" fault) to stand in for a real network round trip.
 */
import { startOnvifSimulator } from "../../camera-adapters/src/sim/index.js";

const count = Number(process.argv[2] ?? 10_000);
const rttMs = Number(process.argv[3] ?? 20);
// 500 listeners: the poller sees 500 hosts of 20 cameras each (NVR-sized), so its default
// per-host limit applies as it would in a real fleet instead of serialising one loopback host.
const sim = await startOnvifSimulator({ count, seed: 99, digestShare: 0.2, listeners: 500 });
if (rttMs > 0) for (const cam of sim.cameras) sim.setFault(cam.id, { kind: "slow", delayMs: rttMs });
process.send?.({
  type: "ready",
  cameras: sim.cameras.map((c) => ({
    id: c.id,
    url: c.deviceServiceUrl,
    username: c.username,
    password: c.password,
  })),
});
process.on("message", async (message: { type: string }) => {
  if (message.type === "stop") {
    await sim.close();
    process.exit(0);
  }
});
