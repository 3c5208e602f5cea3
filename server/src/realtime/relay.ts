import pg from "pg";
import type { Pool } from "../db/pool.js";
import type { Logger } from "../logger.js";
import { onLocalOutboxCommit, purgeOutbox } from "./outbox.js";
import { type OutboxRow, selectLastSeq, selectPublishedAfter, sequencePending } from "./outbox.sql.js";
import { type OutboxListener, startOutboxListener } from "./outbox-listener.js";

/** Rows delivered between yields to the event loop. */
const YIELD_EVERY_ROWS = 20;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Where the relay hands published rows: the seam between the outbox and Socket.IO. */
export interface EventSink {
  /** Called synchronously, once per row, in seq order with no gaps. */
  deliver(row: OutboxRow): void;
}

export interface RelayOptions {
  /** The app's pool: the relay copies its connection settings for a small pool of its own. */
  pool: Pool;
  /** Connection settings for the dedicated LISTEN connection (defaults to the pool's). */
  listenConnection?: pg.ClientConfig;
  log: Logger;
  sink: EventSink;
  /**
   * How often to look for committed rows nobody woke this relay for: those of other processes
   * (producers wake only their own process's relay) and those written outside enqueueEvents.
   */
  pollIntervalMs?: number;
  batchSize?: number;
  retentionHours?: number;
  retentionIntervalMs?: number;
}

export interface RelayStats {
  sequenced: number;
  delivered: number;
  wakeups: number;
  errors: number;
}

/**
 * Per process: sequences committed outbox rows (taking turns with other processes) and
 * delivers every published row after its position to its sink, in seq order.
 */
export class OutboxRelay {
  /** The last seq handed to the sink: everything up to here has been delivered. */
  position = 0;
  readonly stats: RelayStats = { sequenced: 0, delivered: 0, wakeups: 0, errors: 0 };
  private pumping = false;
  private again = false;
  private closed = false;
  private listener: OutboxListener | null = null;
  private timers: NodeJS.Timeout[] = [];
  private stopLocalWake: (() => void) | null = null;
  private idleWaiters: (() => void)[] = [];
  private readonly batchSize: number;
  private readonly log: Logger;
  /**
   * Live delivery must not queue behind the app's own work: under load the shared pool's
   * waiting list can hold thousands of requests, and every event would wait for them all.
   */
  private readonly db: Pool;

  constructor(private readonly options: RelayOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.log = options.log;
    this.db = new pg.Pool({ ...options.pool.options, max: 2, application_name: "gridops-realtime-relay" });
    this.db.on("error", () => {}); // an idle client's error: the next query reconnects
  }

  /** Starts live from the current end of the stream: history is for catch-up, not for replay to nobody. */
  async start(): Promise<void> {
    this.position = await selectLastSeq(this.db);
    this.listener = startOutboxListener({
      connection: this.options.listenConnection ?? this.options.pool.options,
      log: this.log,
      onWake: () => this.wake(),
    });
    this.stopLocalWake = onLocalOutboxCommit(() => this.wake());
    this.timers.push(setInterval(() => this.wake(), this.options.pollIntervalMs ?? 200));
    const retentionHours = this.options.retentionHours ?? 24;
    this.timers.push(
      setInterval(() => void this.purge(retentionHours), this.options.retentionIntervalMs ?? 3_600_000),
    );
    for (const timer of this.timers) timer.unref();
    this.wake();
  }

  get listening(): boolean {
    return this.listener?.connected ?? false;
  }

  wake(): void {
    this.stats.wakeups += 1;
    void this.pump();
  }

  /** Resolves once a full pump has run after this call (tests and benchmarks use it to settle). */
  settle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.wake();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopLocalWake?.();
    for (const timer of this.timers) clearInterval(timer);
    await this.listener?.close();
    for (const resolve of this.idleWaiters.splice(0)) resolve();
    await this.waitForPumpToStop();
    await this.db.end().catch(() => {});
  }

  private async waitForPumpToStop(): Promise<void> {
    for (let i = 0; this.pumping && i < 100; i++) await new Promise((r) => setTimeout(r, 20));
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        const waiters = this.idleWaiters.splice(0);
        await this.sequenceAll();
        await this.deliverPublished();
        for (const resolve of waiters) resolve();
      } while (this.again && !this.closed);
    } catch (err) {
      this.stats.errors += 1;
      if (!this.closed) this.log.error({ err }, "outbox relay pass failed; the next wake-up retries");
    } finally {
      this.pumping = false;
    }
  }

  private async sequenceAll(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      const result = await sequencePending(this.db, this.batchSize);
      this.stats.sequenced += result.assigned;
      if (!result.locked || result.assigned < this.batchSize) return;
    }
  }

  private async deliverPublished(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      const rows = await selectPublishedAfter(this.db, this.position, this.batchSize);
      for (const [i, row] of rows.entries()) {
        // A batch can mean thousands of socket writes: let commits and requests in between.
        if (i > 0 && i % YIELD_EVERY_ROWS === 0) {
          await yieldToEventLoop();
          if (this.closed) return;
        }
        if (row.seq !== this.position + 1) {
          // Published seqs are a gapless prefix, so a hole means retention removed rows this
          // relay never got to (it was stopped for longer than the retention window).
          this.log.warn(
            { from: this.position + 1, to: row.seq - 1 },
            "outbox rows purged before delivery; clients there must resync",
          );
        }
        this.options.sink.deliver(row);
        this.position = row.seq;
        this.stats.delivered += 1;
      }
      if (rows.length < this.batchSize) return;
    }
  }

  private async purge(retentionHours: number): Promise<void> {
    try {
      const removed = await purgeOutbox(this.db, retentionHours);
      if (removed > 0) this.log.info({ removed, retentionHours }, "outbox rows past retention removed");
    } catch (err) {
      this.log.warn({ err }, "outbox retention pass failed");
    }
  }
}
