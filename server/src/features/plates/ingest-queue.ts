import { commitTransaction, type Pool, type PoolClient, rollbackTransaction } from "../../db/pool.js";
import { AppError } from "../../http/errors.js";
import type { Logger } from "../../logger.js";
import {
  allocateReadIds,
  ensureReadPartitions,
  type ImageRow,
  type ReadRow,
  storeReads,
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

/**
 * Asked before a batch is written: may the hook have anything to write for any of these reads
 * (false: it certainly has not)? When every hook says no and there are no pictures, the batch
 * is one autocommit statement instead of a transaction (decision 0140).
 */
export type MayWriteCheck = (reads: readonly PreparedRead[]) => Promise<boolean>;

export interface IngestQueueOptions {
  dedupeWindowMs: number;
  /** Reads written in one transaction at most. */
  maxBatchReads: number;
  /** Transactions in flight at once (each holds one pool connection). */
  maxConcurrentFlushes: number;
  /**
   * While a flush is in flight, another starts only once this many reads wait; fewer wait
   * for the running one to finish and then go together. Without it a free slot takes the one
   * read that just arrived, and half the transactions carry a single read.
   */
  minReadsForParallelFlush: number;
  /** Reads waiting beyond this are refused with 503 so memory stays bounded. */
  maxQueuedReads: number;
  /**
   * Batches nothing else is written with go as one autocommit statement (decision 0140);
   * false: always a transaction (the one-transaction-per-push baseline keeps its meaning).
   */
  autocommit: boolean;
}

export const defaultQueueOptions: Omit<IngestQueueOptions, "dedupeWindowMs"> = {
  maxBatchReads: 1000,
  maxConcurrentFlushes: 2,
  minReadsForParallelFlush: 32,
  maxQueuedReads: 50_000,
  autocommit: true,
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
 * free, everything waiting (up to maxBatchReads) is written at once — one statement that
 * takes the duplicate-key locks, skips duplicates and inserts the rest (plate_reads_store) —
 * and only after COMMIT is each request's promise resolved. So a 2xx always means committed,
 * and under load many requests share one commit (one WAL flush) instead of paying for one
 * each. A batch with nothing else to write is that one statement in autocommit; one with
 * pictures or a hotlist candidate is a transaction with the pictures and hooks after it
 * (decision 0140).
 */
export class IngestQueue {
  private readonly pending: Job[] = [];
  private queuedReads = 0;
  private flushing = 0;
  private readonly knownDays = new Set<string>();
  private readonly hooks: { afterInsert: AfterInsertHook; mayWrite: MayWriteCheck | null }[] = [];
  private readonly ids: IdBlocks;

  constructor(
    private readonly pool: Pool,
    private readonly log: Logger,
    private readonly opts: IngestQueueOptions,
  ) {
    this.ids = new IdBlocks((count) => allocateReadIds(pool, count), opts.maxBatchReads * 2);
  }

  /** `mayWrite` lets batches the hook has nothing to do for skip the transaction. */
  onStored(hook: AfterInsertHook, mayWrite: MayWriteCheck | null = null): void {
    this.hooks.push({ afterInsert: hook, mayWrite });
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
    while (
      this.flushing < this.opts.maxConcurrentFlushes &&
      this.pending.length > 0 &&
      (this.flushing === 0 || this.queuedReads >= this.opts.minReadsForParallelFlush)
    ) {
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
    const ids = await this.ids.take(reads.length);
    const rows: ReadRow[] = reads.map((r, i) => ({ ...r.row, id: ids[i]! }));
    const firstOf = duplicatesWithinBatch(rows, this.opts.dedupeWindowMs);
    const kept = rows.filter((_, i) => firstOf[i] === i);
    const results = (await this.canAutocommit(reads))
      ? await storeReads(this.pool, kept, this.opts.dedupeWindowMs, dedupeLockKeys(kept))
      : await this.writeInTransaction(reads, rows, kept);
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

  /**
   * Decision 0140: nothing but the reads to write (no pictures, no hook with work for them),
   * so the locks, duplicate checks and insert go as one statement, committed when it returns:
   * one round trip instead of five, each of which waits for a busy event loop under load.
   */
  private async canAutocommit(reads: readonly PreparedRead[]): Promise<boolean> {
    if (!this.opts.autocommit || reads.some((r) => r.images.length > 0)) return false;
    for (const hook of this.hooks) {
      if (!hook.mayWrite || (await hook.mayWrite(reads))) return false;
    }
    return true;
  }

  private async writeInTransaction(
    reads: readonly PreparedRead[],
    rows: readonly ReadRow[],
    kept: readonly ReadRow[],
  ): Promise<{ id: number; existing_id: number | null }[]> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const results = await storeReads(client, kept, this.opts.dedupeWindowMs, dedupeLockKeys(kept));
      const inserted = new Set(results.filter((r) => r.existing_id === null).map((r) => r.id));
      const stored: StoredRead[] = rows.flatMap((row, i) =>
        inserted.has(row.id) ? [{ id: row.id, read: reads[i]! }] : [],
      );
      await upsertImages(client, imagesOf(stored));
      for (const hook of this.hooks) await hook.afterInsert(client, stored);
      // Runs the afterCommit wake-ups (the realtime relay for hotlist.hit events).
      await commitTransaction(client);
      return results;
    } catch (error) {
      await rollbackTransaction(client);
      throw error;
    } finally {
      client.release();
    }
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
 * Read ids taken from the sequence a block at a time (one query per block instead of one per
 * batch). Ids only need to be unique; a block left unused at exit is a gap, as after a
 * rollback. Ids are not in commit order anyway (concurrent batches, several processes).
 */
export class IdBlocks {
  private free: number[] = [];
  private refill: Promise<void> | null = null;

  constructor(
    private readonly allocate: (count: number) => Promise<number[]>,
    private readonly blockSize: number,
  ) {}

  async take(count: number): Promise<number[]> {
    while (this.free.length < count) {
      this.refill ??= this.fill(Math.max(this.blockSize, count - this.free.length));
      await this.refill;
    }
    return this.free.splice(0, count);
  }

  private async fill(count: number): Promise<void> {
    try {
      this.free.push(...(await this.allocate(count)));
    } finally {
      this.refill = null;
    }
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

/**
 * Advisory lock keys for a batch's duplicate keys: two 32-bit hashes of each key (Postgres's
 * two-int4 advisory lock space), de-duplicated and sorted so every batch, in every process,
 * takes them in the same order. A collision only makes two unrelated reads wait for each
 * other. (Cheaper than a SHA-256 and a BigInt per key, at thousands of reads a second.)
 */
export function dedupeLockKeys(rows: readonly ReadRow[]): [number, number][] {
  const keys = new Map<string, [number, number]>();
  const add = (text: string) => {
    const key = lockKeyOf(text);
    keys.set(`${key[0]}:${key[1]}`, key);
  };
  for (const row of rows) {
    add(`p|${row.device_id}|${row.plate_text}`);
    if (row.vendor_event_id !== null) add(`e|${row.device_id}|${row.vendor_event_id}`);
  }
  return [...keys.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

/** FNV-1a over UTF-16 code units with two offset bases, as signed int4s. */
export function lockKeyOf(text: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return [a | 0, b | 0];
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
