import { createHash } from "node:crypto";
import type { Pool, PoolClient } from "../../db/pool.js";
import { AppError } from "../../http/errors.js";
import type { Logger } from "../../logger.js";
import {
  allocateReadIds,
  ensureReadPartitions,
  type ImageRow,
  insertReadsSkippingDuplicates,
  lockDedupeKeys,
  type ReadRow,
  upsertImages,
} from "./plate-reads.sql.js";

/** A read mapped to its device, camera and cell, not yet stored. */
export interface PreparedRead {
  row: Omit<ReadRow, "id">;
  /** Pictures carried in the payload (bytes), referenced from row.images by hash. */
  images: Omit<ImageRow, "lastCapturedAt">[];
  /** Where the read happened (checkpoint, else camera), for incidents. */
  location: { lon: number; lat: number };
}

export interface StoredRead {
  id: number;
  read: PreparedRead;
}

export interface ReadOutcome {
  id: number;
  capturedAt: string;
  /** True when an equal read was already stored (vendor retry or duplicate event): id is that read's. */
  duplicate: boolean;
}

/** Runs inside the batch transaction after the reads are inserted (hotlist matching). */
export type AfterInsertHook = (db: PoolClient, stored: readonly StoredRead[]) => Promise<void>;

export interface IngestQueueOptions {
  dedupeWindowMs: number;
  /** Reads written in one transaction at most. */
  maxBatchReads: number;
  /** Transactions in flight at once (each holds one pool connection). */
  maxConcurrentFlushes: number;
  /** Reads waiting beyond this are refused with 503 so memory stays bounded. */
  maxQueuedReads: number;
}

export const defaultQueueOptions: Omit<IngestQueueOptions, "dedupeWindowMs"> = {
  maxBatchReads: 1000,
  maxConcurrentFlushes: 2,
  maxQueuedReads: 50_000,
};

interface Job {
  reads: PreparedRead[];
  resolve: (outcomes: ReadOutcome[]) => void;
  reject: (error: unknown) => void;
}

// SQLSTATEs worth retrying the same batch for: the next attempt can succeed unchanged.
const RETRYABLE = new Set([
  "40001", // serialization_failure
  "40P01", // deadlock_detected
  "55P03", // lock_not_available
  "57P01", // admin_shutdown (connection killed; pool reconnects)
]);
const NO_PARTITION = "23514"; // check_violation: "no partition of relation ... found for row"

/**
 * Group commit: requests hand their reads to the queue and wait; whenever a flush slot is
 * free, everything waiting (up to maxBatchReads) is written in ONE transaction — one lock
 * statement, one multi-row INSERT … SELECT that skips duplicates, the hooks — and only after
 * COMMIT is each request's promise resolved. So a 2xx always means committed, and under load
 * many requests share one commit (one WAL flush) instead of paying for one each.
 */
export class IngestQueue {
  private readonly pending: Job[] = [];
  private queuedReads = 0;
  private flushing = 0;
  private readonly knownDays = new Set<string>();
  private readonly hooks: AfterInsertHook[] = [];

  constructor(
    private readonly pool: Pool,
    private readonly log: Logger,
    private readonly opts: IngestQueueOptions,
  ) {}

  onStored(hook: AfterInsertHook): void {
    this.hooks.push(hook);
  }

  get depth(): number {
    return this.queuedReads;
  }

  submit(reads: PreparedRead[]): Promise<ReadOutcome[]> {
    if (reads.length === 0) return Promise.resolve([]);
    if (this.queuedReads + reads.length > this.opts.maxQueuedReads) {
      return Promise.reject(
        new AppError(
          503,
          "ingest_overloaded",
          "Too many plate reads are waiting to be stored; retry in a few seconds.",
          {
            retryAfterSeconds: 2,
          },
        ),
      );
    }
    return new Promise<ReadOutcome[]>((resolve, reject) => {
      this.pending.push({ reads, resolve, reject });
      this.queuedReads += reads.length;
      this.kick();
    });
  }

  private kick(): void {
    while (this.flushing < this.opts.maxConcurrentFlushes && this.pending.length > 0) {
      const batch = this.takeBatch();
      this.flushing += 1;
      void this.flush(batch).finally(() => {
        this.flushing -= 1;
        this.kick();
      });
    }
  }

  private takeBatch(): Job[] {
    const batch: Job[] = [];
    let reads = 0;
    while (this.pending.length > 0) {
      const next = this.pending[0]!;
      if (batch.length > 0 && reads + next.reads.length > this.opts.maxBatchReads) break;
      batch.push(this.pending.shift()!);
      reads += next.reads.length;
    }
    this.queuedReads -= reads;
    return batch;
  }

  private async flush(batch: Job[]): Promise<void> {
    try {
      const outcomes = await this.writeWithRetry(batch.flatMap((j) => j.reads));
      let offset = 0;
      for (const job of batch) {
        job.resolve(outcomes.slice(offset, offset + job.reads.length));
        offset += job.reads.length;
      }
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // One request's bad data must not fail its neighbours: write each on its own.
      this.log.warn(
        { err: error, requests: batch.length },
        "plate batch failed; writing its requests one by one",
      );
      for (const job of batch) {
        await this.writeWithRetry(job.reads).then(job.resolve, job.reject);
      }
    }
  }

  private async writeWithRetry(reads: readonly PreparedRead[]): Promise<ReadOutcome[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.write(reads);
      } catch (error) {
        const code = (error as { code?: string }).code ?? "";
        if (code === NO_PARTITION) this.knownDays.clear();
        if (attempt >= 3 || !(RETRYABLE.has(code) || code === NO_PARTITION)) throw error;
      }
    }
  }

  private async write(reads: readonly PreparedRead[]): Promise<ReadOutcome[]> {
    await this.ensurePartitions(reads);
    const ids = await allocateReadIds(this.pool, reads.length);
    const rows: ReadRow[] = reads.map((r, i) => ({ ...r.row, id: ids[i]! }));
    const firstOf = duplicatesWithinBatch(rows, this.opts.dedupeWindowMs);
    const kept = rows.filter((_, i) => firstOf[i] === i);
    const client = await this.pool.connect();
    let results: { id: number; existing_id: number | null }[];
    try {
      await client.query("BEGIN");
      await lockDedupeKeys(client, dedupeLockKeys(kept));
      results = await insertReadsSkippingDuplicates(client, kept, this.opts.dedupeWindowMs);
      const inserted = new Set(results.filter((r) => r.existing_id === null).map((r) => r.id));
      const stored: StoredRead[] = rows.flatMap((row, i) =>
        inserted.has(row.id) ? [{ id: row.id, read: reads[i]! }] : [],
      );
      await upsertImages(client, imagesOf(stored));
      for (const hook of this.hooks) await hook(client, stored);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
    const existing = new Map(results.map((r) => [r.id, r.existing_id]));
    return rows.map((row, i) => {
      const first = rows[firstOf[i]!]!;
      const storedAs = existing.get(first.id) ?? null;
      return {
        id: storedAs ?? first.id,
        capturedAt: row.captured_at,
        duplicate: storedAs !== null || first !== row,
      };
    });
  }

  private async ensurePartitions(reads: readonly PreparedRead[]): Promise<void> {
    const days = [...new Set(reads.map((r) => r.row.captured_at.slice(0, 10)))].filter(
      (d) => !this.knownDays.has(d),
    );
    if (days.length === 0) return;
    const created = await ensureReadPartitions(this.pool, days);
    if (created > 0) this.log.info({ days, created }, "created plate_reads partitions on demand");
    for (const d of days) this.knownDays.add(d);
  }
}

/**
 * For each row, the index of the first row in the batch it duplicates (itself when none):
 * same device and plate within the window of a kept read, or same device and vendor event id.
 */
export function duplicatesWithinBatch(rows: readonly ReadRow[], windowMs: number): number[] {
  const firstOf = rows.map((_, i) => i);
  const order = rows
    .map((_, i) => i)
    .sort((a, b) => Date.parse(rows[a]!.captured_at) - Date.parse(rows[b]!.captured_at) || a - b);
  const lastKeptByPlate = new Map<string, number>();
  const byEvent = new Map<string, number>();
  for (const i of order) {
    const row = rows[i]!;
    const eventKey = row.vendor_event_id === null ? null : `${row.device_id}#${row.vendor_event_id}`;
    const sameEvent = eventKey === null ? undefined : byEvent.get(eventKey);
    if (sameEvent !== undefined) {
      firstOf[i] = sameEvent;
      continue;
    }
    const plateKey = `${row.device_id}|${row.plate_text}`;
    const previous = lastKeptByPlate.get(plateKey);
    if (
      previous !== undefined &&
      Date.parse(row.captured_at) - Date.parse(rows[previous]!.captured_at) < windowMs
    ) {
      firstOf[i] = previous;
      if (eventKey !== null) byEvent.set(eventKey, previous);
      continue;
    }
    lastKeptByPlate.set(plateKey, i);
    if (eventKey !== null) byEvent.set(eventKey, i);
  }
  return firstOf;
}

/** 64-bit advisory lock keys (as decimal strings) for a batch's duplicate keys, sorted. */
export function dedupeLockKeys(rows: readonly ReadRow[]): string[] {
  const keys = new Set<string>();
  for (const row of rows) {
    keys.add(lockKey(`p|${row.device_id}|${row.plate_text}`));
    if (row.vendor_event_id !== null) keys.add(lockKey(`e|${row.device_id}|${row.vendor_event_id}`));
  }
  return [...keys].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
}

function lockKey(text: string): string {
  return createHash("sha256").update(text).digest().readBigInt64BE(0).toString();
}

function imagesOf(stored: readonly StoredRead[]): ImageRow[] {
  const bySha = new Map<string, ImageRow>();
  for (const { read } of stored) {
    const at = new Date(read.row.captured_at);
    for (const image of read.images) {
      const seen = bySha.get(image.sha256);
      if (!seen || seen.lastCapturedAt < at) bySha.set(image.sha256, { ...image, lastCapturedAt: at });
    }
  }
  return [...bySha.values()];
}
