import type { AppDeps } from "../../app-deps.js";
import type { Pool } from "../../db/pool.js";
import { withTransaction } from "../../db/pool.js";
import type { Logger } from "../../logger.js";
import { recordAudit } from "../audit/audit.service.js";
import type { Metrics } from "../metrics/metrics.js";
import { decryptSecret, type Keyring } from "../secrets/keyring.js";
import { type AttemptResult, sendWebhook } from "./webhook-sender.js";
import { SIGNATURE_HEADER, signatureHeader } from "./webhook-signature.js";
import * as sql from "./webhooks.sql.js";

export interface DispatcherOptions {
  pollIntervalMs: number;
  /** Deliveries in flight at once in this process (one per subscription at most). */
  concurrency: number;
  timeoutMs: number;
  allowLoopback: boolean;
  /** Attempts per delivery before it is marked failed. */
  maxAttempts: number;
  /** First retry after about this long; doubles per attempt, capped at maxDelayMs, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Consecutive failed attempts after which a subscription is disabled (and audited). */
  disableAfterFailures: number;
  fanOutBatch: number;
  /** Delivered and failed deliveries are deleted after this many days. */
  retentionDays: number;
  random: () => number;
}

export const defaultDispatcherOptions: DispatcherOptions = {
  pollIntervalMs: 1000,
  concurrency: 8,
  timeoutMs: 10_000,
  allowLoopback: false,
  maxAttempts: 10,
  baseDelayMs: 10_000,
  maxDelayMs: 6 * 3600_000,
  disableAfterFailures: 20,
  fanOutBatch: 500,
  retentionDays: 14,
  random: Math.random,
};

export const SYSTEM_ACTOR = "system:webhooks";

/** Exponential back-off with "equal jitter": between half and all of the doubled delay. */
export function retryDelayMs(
  attempt: number,
  o: Pick<DispatcherOptions, "baseDelayMs" | "maxDelayMs" | "random">,
): number {
  const ceiling = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (o.random() * ceiling) / 2);
}

export interface DispatcherDeps {
  pool: Pool;
  keyring: Keyring;
  log: Logger;
  metrics?: Metrics;
}

/**
 * Delivers webhooks from the outbox: fan-out (outbox → webhook_deliveries) and sending
 * (leases with SKIP LOCKED, so any number of processes can run one). Sends run detached from
 * the poll loop, so an endpoint that hangs holds one slot until its timeout and nothing else.
 */
export class WebhookDispatcher {
  private readonly opts: DispatcherOptions;
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private polling: Promise<void> | null = null;
  private lastPurge = 0;

  constructor(
    private readonly deps: DispatcherDeps,
    opts: Partial<DispatcherOptions> = {},
  ) {
    this.opts = { ...defaultDispatcherOptions, ...opts };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
    await Promise.allSettled([...this.inFlight]);
  }

  /** One round: fan out new events, then start as many due deliveries as there are free slots. */
  async poll(): Promise<{ events: number; started: number }> {
    const fan = await sql.fanOutEvents(this.deps.pool, this.opts.fanOutBatch);
    const free = this.opts.concurrency - this.inFlight.size;
    const claimed =
      free > 0 ? await sql.claimDeliveries(this.deps.pool, free, this.opts.timeoutMs + 30_000) : [];
    for (const delivery of claimed) this.track(this.deliver(delivery));
    await this.purgeDaily();
    return { events: fan.events, started: claimed.length };
  }

  /** Waits for the deliveries this process has started (tests). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.polling = this.poll()
        .then(() => undefined)
        .catch((error: unknown) => this.deps.log.error({ err: error }, "webhook poll failed"))
        .finally(() => {
          this.polling = null;
          this.schedule(this.opts.pollIntervalMs);
        });
    }, delayMs);
  }

  private track(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) => this.deps.log.error({ err: error }, "webhook delivery bookkeeping failed"))
      .finally(() => {
        this.inFlight.delete(tracked);
        // A slot came free: look for more work now rather than at the next tick.
        if (this.running && !this.polling) this.schedule(0);
      });
    this.inFlight.add(tracked);
  }

  private async deliver(d: sql.ClaimedDelivery): Promise<void> {
    const startedAt = new Date();
    let result: AttemptResult;
    try {
      const secret = decryptSecret(this.deps.keyring, d.secretEnc);
      const timestamp = Math.floor(Date.now() / 1000);
      result = await sendWebhook(
        d.url,
        d.body,
        {
          "user-agent": "GridOps-Webhooks/1",
          "x-gridops-event": d.topic,
          "x-gridops-delivery": String(d.id),
          "x-gridops-seq": String(d.eventSeq),
          [SIGNATURE_HEADER]: signatureHeader(secret, timestamp, d.body),
        },
        { timeoutMs: this.opts.timeoutMs, allowLoopback: this.opts.allowLoopback },
      );
    } catch (error) {
      result = {
        outcome: "refused",
        status: null,
        error: `Cannot sign: ${(error as Error).message}`,
        durationMs: 0,
      };
    }
    this.deps.metrics
      ?.counter("gridops_webhook_attempts_total", "Webhook delivery attempts by outcome", ["outcome"])
      .inc({ outcome: result.outcome });
    await this.record(d, startedAt, result);
  }

  private async record(d: sql.ClaimedDelivery, startedAt: Date, r: AttemptResult): Promise<void> {
    await withTransaction(this.deps.pool, async (db) => {
      await sql.insertAttempt(db, {
        deliveryId: d.id,
        attempt: d.attempts,
        startedAt,
        durationMs: r.durationMs,
        outcome: r.outcome,
        status: r.status,
        error: r.error,
      });
      if (r.outcome === "delivered") return sql.markDelivered(db, d.id, d.subscriptionId, r.status);
      const retryAt =
        d.attempts < this.opts.maxAttempts
          ? new Date(Date.now() + retryDelayMs(d.attempts, this.opts))
          : null;
      const streak = await sql.markFailed(db, {
        deliveryId: d.id,
        subscriptionId: d.subscriptionId,
        status: r.status,
        error: r.error,
        retryAt,
      });
      if (streak.enabled && streak.consecutiveFailures >= this.opts.disableAfterFailures) {
        const reason =
          `${streak.consecutiveFailures} consecutive failed attempts; last: ${r.error ?? r.outcome}`.slice(
            0,
            500,
          );
        if (await sql.disableSubscription(db, d.subscriptionId, reason)) {
          await recordAudit(db, {
            actorUserId: null,
            actor: SYSTEM_ACTOR,
            action: "webhook.disable",
            targetType: "webhook_subscription",
            targetId: String(d.subscriptionId),
            details: {
              consecutiveFailures: streak.consecutiveFailures,
              lastOutcome: r.outcome,
              lastStatus: r.status,
              lastError: r.error,
            },
          });
          this.deps.log.warn({ subscriptionId: d.subscriptionId, reason }, "webhook subscription disabled");
        }
      }
    });
  }

  private async purgeDaily(): Promise<void> {
    if (Date.now() - this.lastPurge < 24 * 3600_000) return;
    this.lastPurge = Date.now();
    const removed = await sql.deleteFinishedDeliveries(this.deps.pool, this.opts.retentionDays);
    if (removed) this.deps.log.info({ removed }, "old webhook deliveries purged");
  }
}

/** Starts delivering webhooks in this process (main.ts `serve`, next to the job runner). */
export function startWebhookDispatcher(deps: AppDeps): WebhookDispatcher {
  const dispatcher = new WebhookDispatcher(
    {
      pool: deps.pool,
      keyring: deps.keyring,
      log: deps.log.child({ feature: "webhooks" }),
      metrics: deps.metrics,
    },
    { allowLoopback: deps.config.webhookAllowLoopback, timeoutMs: deps.config.webhookTimeoutMs },
  );
  dispatcher.start();
  return dispatcher;
}
