import type { OnvifDevice } from "./device.js";
import { OnvifError } from "./errors.js";
import type { CameraEvent, PullPointSubscription } from "./schemas.js";

export type PullPointStatus =
  | { state: "subscribing"; attempt: number }
  | { state: "subscribed"; grantedSec: number; resubscribed: boolean }
  | { state: "renewed"; grantedSec: number }
  | { state: "lost"; reason: string; retryInMs: number }
  | { state: "stopped"; reason: "stopped" | "auth_failed" };

export interface PullPointSessionOptions {
  /** Requested subscription lifetime; renewed at `renewAt` of what the device grants. */
  terminationSec?: number;
  /** Long-poll time per PullMessages; devices drop idle pulls after ~10 s, so stay below. */
  pullTimeoutSec?: number;
  messageLimit?: number;
  /** Fraction of the granted lifetime after which we renew (default 0.8). */
  renewAt?: number;
  backoff?: { initialMs?: number; maxMs?: number };
  signal?: AbortSignal;
  onEvent: (event: CameraEvent & { initial: boolean }) => void;
  onStatus?: (status: PullPointStatus) => void;
  /** Replaceable for tests. */
  random?: () => number;
}

/** State key of a property event: the same topic from the same source replaces the previous value. */
export function eventStateKey(event: CameraEvent): string {
  const source = Object.entries(event.source)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  return `${event.topic}|${source}`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}

/**
 * Keeps one PullPoint subscription alive: subscribe, pull in a loop, renew before expiry, and
 * after a reboot or lost connection re-create the subscription with bounded exponential
 * back-off (never a tight loop). Auth failures stop the session: retrying would lock accounts.
 */
export class PullPointSession {
  private readonly state = new Map<string, CameraEvent>();
  private readonly controller = new AbortController();
  private running: Promise<void> | undefined;
  private subscription: PullPointSubscription | null = null;
  private subscribedOnce = false;
  private renewAtMs = 0;
  private failures = 0;

  constructor(
    private readonly device: OnvifDevice,
    private readonly options: PullPointSessionOptions,
  ) {
    options.signal?.addEventListener("abort", () => this.controller.abort(), { once: true });
  }

  /** Latest value of every property topic, seeded by the device's `Initialized` messages. */
  currentState(): ReadonlyMap<string, CameraEvent> {
    return this.state;
  }

  start(): Promise<void> {
    this.running ??= this.run();
    return this.running;
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.running;
  }

  private get signal(): AbortSignal {
    return this.controller.signal;
  }

  private async run(): Promise<void> {
    let stopReason: "stopped" | "auth_failed" = "stopped";
    while (!this.signal.aborted) {
      try {
        await this.step();
      } catch (error) {
        if (this.signal.aborted) break;
        if (error instanceof OnvifError && error.code === "auth_failed") {
          stopReason = "auth_failed";
          break;
        }
        await this.recover(error);
      }
    }
    await this.unsubscribeQuietly();
    this.options.onStatus?.({ state: "stopped", reason: stopReason });
  }

  private async step(): Promise<void> {
    if (!this.subscription) return this.subscribe();
    // A long poll must not run past the renewal point, or a short-lived subscription lapses mid-pull.
    const pullSec = Math.max(
      1,
      Math.min(this.options.pullTimeoutSec ?? 5, Math.floor(this.subscription.grantedSec / 2)),
    );
    if (Date.now() + pullSec * 1000 >= this.renewAtMs) return this.renew();
    const result = await this.device.pullMessages(this.subscription, {
      timeoutSec: pullSec,
      limit: this.options.messageLimit ?? 50,
      signal: this.signal,
    });
    this.failures = 0;
    for (const event of result.events) this.deliver(event);
  }

  private async subscribe(): Promise<void> {
    this.options.onStatus?.({ state: "subscribing", attempt: this.failures + 1 });
    const subscription = await this.device.createPullPointSubscription(this.options.terminationSec ?? 60, {
      signal: this.signal,
    });
    this.setSubscription(subscription);
    this.options.onStatus?.({
      state: "subscribed",
      grantedSec: subscription.grantedSec,
      resubscribed: this.subscribedOnce,
    });
    this.subscribedOnce = true;
    this.failures = 0;
  }

  private async renew(): Promise<void> {
    const subscription = this.subscription!;
    const renewed = await this.device.renew(subscription, {
      terminationSec: this.options.terminationSec ?? 60,
      signal: this.signal,
    });
    this.setSubscription(renewed);
    this.options.onStatus?.({ state: "renewed", grantedSec: renewed.grantedSec });
  }

  private setSubscription(subscription: PullPointSubscription): void {
    this.subscription = subscription;
    const lifetimeMs = subscription.expiresAtMs - Date.now();
    this.renewAtMs = Date.now() + Math.max(500, lifetimeMs * (this.options.renewAt ?? 0.8));
  }

  private deliver(event: CameraEvent): void {
    const initial = event.propertyOperation === "Initialized";
    if (event.propertyOperation !== null) {
      if (event.propertyOperation === "Deleted") this.state.delete(eventStateKey(event));
      else this.state.set(eventStateKey(event), event);
    }
    this.options.onEvent({ ...event, initial });
  }

  /** ResourceUnknown, timeouts and lost connections all mean: the subscription is gone. */
  private async recover(error: unknown): Promise<void> {
    this.subscription = null;
    this.failures += 1;
    const { initialMs = 1000, maxMs = 60_000 } = this.options.backoff ?? {};
    const base = Math.min(maxMs, initialMs * 2 ** (this.failures - 1));
    const retryInMs = Math.round(base * (0.75 + 0.5 * (this.options.random ?? Math.random)()));
    const reason = error instanceof Error ? error.message : String(error);
    this.options.onStatus?.({ state: "lost", reason, retryInMs });
    await sleep(retryInMs, this.signal);
  }

  private async unsubscribeQuietly(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = null;
    if (!subscription) return;
    try {
      await this.device.unsubscribe(subscription, { signal: AbortSignal.timeout(2000) });
    } catch {
      // The device forgets unrenewed subscriptions on its own; nothing more to do.
    }
  }
}

export function createPullPointSession(
  device: OnvifDevice,
  options: PullPointSessionOptions,
): PullPointSession {
  return new PullPointSession(device, options);
}
