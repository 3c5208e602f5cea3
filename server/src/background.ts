import type { AppDeps } from "./app-deps.js";
import { startDemoPlateFeed } from "./features/demo/demo-plates.js";
import { startDemoCameraFleet } from "./features/health/demo-fleet.js";
import { startCameraPoller } from "./features/health/poller-queue.js";
import { startWebhookDispatcher } from "./features/webhooks/webhook-dispatcher.js";
import { jobDepsOf, startJobRunner } from "./jobs/job-runner.js";

/**
 * Work that runs beside (or instead of) HTTP: the job runner (time limits, reminders,
 * retention), webhook deliveries, camera polling, and in demo mode the simulated fleet. Each
 * entry starts one service and returns how to stop it; they stop in reverse order.
 */
interface Service {
  name: string;
  start(deps: AppDeps, ctx: { url: string | null }): Promise<() => Promise<void>>;
}

const jobRunner: Service = {
  name: "jobs",
  start: async (deps) => {
    const runner = await startJobRunner(jobDepsOf(deps));
    return () => runner.stop();
  },
};

const webhooks: Service = {
  name: "webhooks",
  start: async (deps) => {
    const dispatcher = startWebhookDispatcher(deps);
    return () => dispatcher.stop();
  },
};

const cameraPoller: Service = {
  name: "camera-poller",
  start: async (deps) => {
    const poller = await startCameraPoller(deps);
    return () => poller.stop();
  },
};

/** The demo's cameras answer from an ONVIF simulator with occasional faults; it brings its own poller. */
const demoCameraFleet: Service = {
  name: "demo-camera-fleet",
  start: async (deps) => {
    // Every demo camera answers from the simulator; unsimulated ones would all go offline and open incidents.
    const fleet = await startDemoCameraFleet(deps, { count: 10_000 });
    return () => fleet.stop();
  },
};

/** Lane cameras push simulated plate reads through the real ingest endpoint of this server. */
const demoPlateFeed: Service = {
  name: "demo-plate-feed",
  start: async (deps, ctx) => {
    if (!ctx.url) throw new Error("the demo plate feed needs the server URL");
    const feed = await startDemoPlateFeed(deps, ctx.url);
    return () => feed.stop();
  },
};

export type BackgroundMode = "serve" | "demo" | "worker";

export function servicesFor(mode: BackgroundMode, jobsEnabled: boolean): Service[] {
  const demo = [demoCameraFleet, demoPlateFeed];
  if (!jobsEnabled && mode !== "worker") return mode === "demo" ? demo : [];
  const shared = [jobRunner, webhooks];
  return mode === "demo" ? [...shared, ...demo] : [...shared, cameraPoller];
}

export interface Background {
  names: string[];
  stop(): Promise<void>;
}

export async function startBackground(
  deps: AppDeps,
  mode: BackgroundMode,
  url: string | null = null,
): Promise<Background> {
  const stops: { name: string; stop: () => Promise<void> }[] = [];
  const stopAll = async () => {
    for (const { name, stop } of stops.reverse()) {
      await stop().catch((err: unknown) =>
        deps.log.warn({ err, service: name }, "background service did not stop cleanly"),
      );
    }
  };
  try {
    for (const service of servicesFor(mode, deps.config.jobs)) {
      stops.push({ name: service.name, stop: await service.start(deps, { url }) });
      deps.log.info({ service: service.name }, "background service started");
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  return { names: stops.map((s) => s.name), stop: stopAll };
}
