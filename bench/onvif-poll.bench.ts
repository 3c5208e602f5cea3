/**
 * Shallow health poll of 10,000 simulated ONVIF cameras: GetSystemDateAndTime (no auth) plus
 * one authenticated GetDeviceInformation per camera, with bounded concurrency, against a
 * sequential loop over a sample (extrapolated to the fleet). The simulator runs in the same
 * process, so CPU and RSS include both sides of every exchange. A last pass repeats concurrency
 * 200 with the global fetch as the client's HTTP layer, the baseline for its node:http one.
 */
import { createOnvifDevice, type FetchLike, type OnvifDevice } from "../camera-adapters/src/onvif/index.js";
import { startOnvifSimulator } from "../camera-adapters/src/sim/index.js";
import type { BenchResult } from "./support/bench-types.js";

const cameraCount = 10_000;
// 200 is the target; 50 shows where one event loop serving both client and simulator saturates.
const concurrencies = [50, 200];
const sequentialSample = 100;
/** Loopback has no latency; real cameras answer in tens of ms, which is what concurrency hides. */
const simulatedRttMs = 20;

async function shallowCheck(device: OnvifDevice): Promise<boolean> {
  try {
    await device.getSystemDateAndTime();
    await device.getDeviceInformation();
    return true;
  } catch {
    return false;
  }
}

async function pooled<T>(items: T[], limit: number, work: (item: T) => Promise<boolean>): Promise<number> {
  let next = 0;
  let ok = 0;
  async function worker() {
    while (next < items.length) {
      const item = items[next++] as T;
      if (await work(item)) ok += 1;
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return ok;
}

export async function run(): Promise<BenchResult[]> {
  const sim = await startOnvifSimulator({
    count: cameraCount,
    seed: 2024,
    digestShare: 0.2,
    responseDelayMs: simulatedRttMs,
  });
  // Each measured pass gets fresh devices, so no pass inherits another's cached Digest challenge or clock.
  const devices = sim.cameras.map((cam) =>
    createOnvifDevice({
      address: cam.deviceServiceUrl,
      username: cam.username,
      password: cam.password,
      timeoutMs: 5000,
    }),
  );
  try {
    // Warm-up: let sockets and JIT settle so neither side of the comparison pays for them.
    await pooled(devices.slice(0, 200), 50, shallowCheck);

    const sample = devices.slice(200, 200 + sequentialSample);
    const seqStart = performance.now();
    let seqOk = 0;
    for (const device of sample) if (await shallowCheck(device)) seqOk += 1;
    const seqSeconds = (performance.now() - seqStart) / 1000;
    const seqPollsPerSecond = sample.length / seqSeconds;

    const results: BenchResult[] = [];
    const cpuPerPoll = new Map<string, number>();
    const passes = [
      ...concurrencies.map((concurrency) => ({ concurrency, transport: "node:http" })),
      { concurrency: 200, transport: "fetch" },
    ];
    for (const { concurrency, transport } of passes) {
      const fetchImpl: FetchLike | undefined =
        transport === "fetch" ? (input, init) => fetch(input, init) : undefined;
      const fleet = sim.cameras.map((cam) =>
        createOnvifDevice({
          address: cam.deviceServiceUrl,
          username: cam.username,
          password: cam.password,
          timeoutMs: 5000,
          ...(fetchImpl ? { fetchImpl } : {}),
        }),
      );
      const cpuBefore = process.cpuUsage();
      let peakRss = process.memoryUsage().rss;
      const rssTimer = setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }, 100);
      const start = performance.now();
      const ok = await pooled(fleet, concurrency, shallowCheck);
      const seconds = (performance.now() - start) / 1000;
      clearInterval(rssTimer);
      const cpu = process.cpuUsage(cpuBefore);
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      const pollsPerSecond = cameraCount / seconds;
      const extrapolatedSequential = cameraCount / seqPollsPerSecond;
      const microsPerPoll = (cpuSeconds * 1e6) / cameraCount;
      cpuPerPoll.set(`${transport}@${concurrency}`, microsPerPoll);
      const label = transport === "fetch" ? ", global fetch transport" : "";
      results.push(
        {
          name: `onvif shallow poll, ${cameraCount} cameras, ${simulatedRttMs} ms simulated RTT, concurrency ${concurrency}${label}`,
          value: Math.round(pollsPerSecond),
          unit: "polls/s",
          baseline: {
            name: `sequential loop (${sequentialSample}-camera sample)`,
            value: Math.round(seqPollsPerSecond),
          },
          ratio: Number((pollsPerSecond / seqPollsPerSecond).toFixed(2)),
          note: `${ok}/${cameraCount} ok (sequential sample ${seqOk}/${sample.length}); fleet in ${seconds.toFixed(1)} s vs ${extrapolatedSequential.toFixed(1)} s sequential (extrapolated, not measured end to end)`,
        },
        {
          name: `CPU at concurrency ${concurrency}${label} (client + simulator, one process)`,
          value: Number((cpuSeconds / seconds).toFixed(2)),
          unit: "cores",
          note: `${microsPerPoll.toFixed(0)} µs CPU per poll; peak RSS ${Math.round(peakRss / 1024 / 1024)} MiB`,
        },
      );
    }
    const ours = cpuPerPoll.get("node:http@200")!;
    const viaFetch = cpuPerPoll.get("fetch@200")!;
    results.push({
      name: "CPU per poll, node:http transport (concurrency 200)",
      value: Math.round(ours),
      unit: "µs",
      baseline: { name: "same polls through the global fetch", value: Math.round(viaFetch) },
      ratio: Number((ours / viaFetch).toFixed(2)),
      note: "client and simulator in one process: the simulator's share is the same in both passes",
    });
    return results;
  } finally {
    await sim.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await run());
}
