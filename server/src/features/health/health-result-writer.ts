import type { AppDeps } from "../../app-deps.js";
import type { Logger } from "../../logger.js";
import { type AnyNewEvent, enqueueEvents } from "../../realtime/outbox.js";
import * as sql from "./health.sql.js";

/** Everything one check produced, written together (or not at all). */
export interface PollOutcome {
  write: sql.HealthWrite;
  check: sql.CheckRow;
  event: sql.CameraEventRow | null;
  live: AnyNewEvent | null;
  snapshot: {
    camera_id: string;
    image: Buffer;
    width: number | null;
    height: number | null;
    taken_at: Date;
  } | null;
}

interface Pending {
  outcome: PollOutcome;
  resolve: (applied: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * Collects check results from many concurrent checks and writes them in one transaction per
 * batch (set-based statements), so 10,000 cameras a minute cost a few hundred transactions,
 * not tens of thousands. `submit` resolves once the result is committed: true when applied,
 * false when the camera's health changed meanwhile (a technician's action wins).
 */
export class HealthResultWriter {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private readonly ensuredDays = new Set<string>();
  private readonly log: Logger;

  constructor(
    private readonly deps: {
      pool: AppDeps["pool"];
      withTransaction: AppDeps["withTransaction"];
      log: Logger;
    },
    private readonly opts: { batchSize: number; delayMs: number },
  ) {
    this.log = deps.log.child({ feature: "health", component: "result-writer" });
  }

  submit(outcome: PollOutcome): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ outcome, resolve, reject });
      if (this.queue.length >= this.opts.batchSize) this.startFlush();
      else this.timer ??= setTimeout(() => this.startFlush(), this.opts.delayMs);
    });
  }

  /** Writes whatever is queued; resolves when it is committed. */
  async flush(): Promise<void> {
    this.startFlush();
    await this.flushing;
  }

  private startFlush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.queue.splice(0, this.queue.length);
    if (batch.length === 0) return;
    // Batches are written one after another so a camera's results commit in check order.
    this.flushing = this.flushing.then(() => this.write(batch));
  }

  private async write(batch: Pending[]): Promise<void> {
    // A camera checked twice in one batch (shallow + deep): only its latest result applies.
    const latest = new Map<string, Pending>();
    const superseded: Pending[] = [];
    for (const item of batch) {
      const previous = latest.get(item.outcome.write.camera_id);
      if (previous) superseded.push(previous);
      latest.set(item.outcome.write.camera_id, item);
    }
    const items = [...latest.values()];
    let newDays: string[] = [];
    try {
      const applied = await this.deps.withTransaction(async (db) => {
        newDays = await this.ensurePartitions(
          db,
          items.map((i) => i.outcome.check.checked_at),
        );
        const ids = new Set(
          await sql.updateHealthRows(
            db,
            items.map((i) => i.outcome.write),
          ),
        );
        const done = items.filter((i) => ids.has(i.outcome.write.camera_id)).map((i) => i.outcome);
        await sql.insertCheckRows(
          db,
          done.map((o) => o.check),
        );
        await sql.insertCameraEventRows(
          db,
          done.flatMap((o) => (o.event ? [o.event] : [])),
        );
        await enqueueEvents(
          db,
          done.flatMap((o) => (o.live ? [o.live] : [])),
        );
        for (const o of done) if (o.snapshot) await sql.upsertSnapshot(db, o.snapshot);
        return ids;
      });
      for (const day of newDays) this.ensuredDays.add(day);
      for (const item of items) item.resolve(applied.has(item.outcome.write.camera_id));
      for (const item of superseded) item.resolve(false);
    } catch (error) {
      this.log.error({ err: error, size: batch.length }, "writing health results failed");
      for (const item of batch) item.reject(error);
    }
  }

  /** Partitions are made ahead by a daily job; this covers a clock past them (returns days to remember after commit). */
  private async ensurePartitions(
    db: Parameters<typeof sql.ensureCheckPartitions>[0],
    times: string[],
  ): Promise<string[]> {
    const days = [...new Set(times.map((t) => new Date(t).toISOString().slice(0, 10)))].filter(
      (d) => !this.ensuredDays.has(d),
    );
    for (const day of days) await sql.ensureCheckPartitions(db, day, 1);
    return days;
  }
}
