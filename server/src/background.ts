import type { AppDeps } from "./app-deps.js";
import { startDemoCameraFleet } from "./features/health/demo-fleet.js";
import { startCameraPoller } from "./features/health/poller.js";
import { startWebhookDispatcher } from "./features/webhooks/webhook-dispatcher.js";
import { jobDepsOf, startJobRunner } from "./jobs/job-runner.js";

/**
 * Work that runs beside (or instead of) HTTP: the job runner (time limits, reminders,
 * retention), webhook deliveries, camera polling, and in demo mode the simulated fleet. Each
 * entry starts one service and returns how to stop it; they stop in reverse order.
 */
interface Service {
  name: string;
  start(deps: AppDeps): Promise<() => Promise<void>>;
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
    const fleet = await startDemoCameraFleet(deps, { count: 300 });
    return () => fleet.stop();
  },
};

export type BackgroundMode = "serve" | "demo" | "worker";

export function servicesFor(mode: BackgroundMode, jobsEnabled: boolean): Service[] {
  if (!jobsEnabled && mode !== "worker") return mode === "demo" ? [demoCameraFleet] : [];
  const shared = [jobRunner, webhooks];
  return mode === "demo" ? [...shared, demoCameraFleet] : [...shared, cameraPoller];
}

export interface Background {
  names: string[];
  stop(): Promise<void>;
}

export async function startBackground(deps: AppDeps, mode: BackgroundMode): Promise<Background> {
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
      stops.push({ name: service.name, stop: await service.start(deps) });
      deps.log.info({ service: service.name }, "background service started");
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  return { names: stops.map((s) => s.name), stop: stopAll };
}
