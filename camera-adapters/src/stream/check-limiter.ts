import { z } from "zod";
import { StreamCheckError } from "./stream-errors.js";

export const streamCheckLimiterOptionsSchema = z.object({
  /** Checks running at once across all cameras (each is an ffmpeg process or a socket). */
  globalConcurrency: z.number().int().min(1).max(512).default(4),
  /** Checks at once per key. Cameras allow few RTSP sessions and a recorder already holds one. */
  perKeyConcurrency: z.number().int().min(1).max(16).default(1),
  /** Waiting checks beyond this are refused with code "busy" rather than queued without end. */
  maxQueued: z.number().int().min(0).max(1_000_000).default(10_000),
});
export type StreamCheckLimiterOptions = z.input<typeof streamCheckLimiterOptionsSchema>;

interface Waiting {
  /** Arrival order: the oldest waiting check of a free key starts first. */
  seq: number;
  key: string;
  start: () => void;
  cancelled: boolean;
}

/**
 * FIFO limiter keyed by camera id (or host:port): at most `perKeyConcurrency` checks per key
 * and `globalConcurrency` overall. A queued check whose key is busy does not block checks
 * of other cameras behind it.
 *
 * Waiting checks are kept per key, and the keys that could start one sit in a heap ordered by
 * their oldest check: a finished check costs O(log keys), not a scan of everything waiting
 * (thousands of checks queue behind a few busy recorders in a large fleet).
 */
export class StreamCheckLimiter {
  private readonly options: z.infer<typeof streamCheckLimiterOptionsSchema>;
  private readonly runningByKey = new Map<string, number>();
  private readonly waitingByKey = new Map<string, Waiting[]>();
  private readonly ready = new SeqHeap();
  private running = 0;
  private queued = 0;
  private seq = 0;

  constructor(options: StreamCheckLimiterOptions = {}) {
    this.options = streamCheckLimiterOptionsSchema.parse(options);
  }

  get activeCount(): number {
    return this.running;
  }

  get queuedCount(): number {
    return this.queued;
  }

  activeFor(key: string): number {
    return this.runningByKey.get(key) ?? 0;
  }

  run<T>(key: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.canStart(key)) return this.execute(key, task);
    if (this.queued >= this.options.maxQueued) {
      return Promise.reject(
        new StreamCheckError("busy", `stream check queue is full (${this.options.maxQueued} waiting)`),
      );
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        // Left in its key's list and skipped there: removing it would be a scan.
        entry.cancelled = true;
        this.queued -= 1;
        reject(signal?.reason);
      };
      const entry: Waiting = {
        seq: this.seq++,
        key,
        cancelled: false,
        start: () => {
          signal?.removeEventListener("abort", onAbort);
          this.execute(key, task).then(resolve, reject);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.enqueue(entry);
    });
  }

  private canStart(key: string): boolean {
    return (
      this.running < this.options.globalConcurrency && this.activeFor(key) < this.options.perKeyConcurrency
    );
  }

  private enqueue(entry: Waiting): void {
    const list = this.waitingByKey.get(entry.key);
    if (list) list.push(entry);
    else this.waitingByKey.set(entry.key, [entry]);
    this.queued += 1;
    if (this.activeFor(entry.key) < this.options.perKeyConcurrency) this.markReady(entry.key);
  }

  /** Puts the key's oldest live waiting check in the heap (dropping cancelled ones first). */
  private markReady(key: string): void {
    const head = this.headOf(key);
    if (head) this.ready.push(head.seq, key);
  }

  private headOf(key: string): Waiting | undefined {
    const list = this.waitingByKey.get(key);
    if (!list) return undefined;
    while (list.length > 0 && list[0]!.cancelled) list.shift();
    if (list.length === 0) this.waitingByKey.delete(key);
    return list[0];
  }

  private async execute<T>(key: string, task: () => Promise<T>): Promise<T> {
    this.running += 1;
    this.runningByKey.set(key, this.activeFor(key) + 1);
    try {
      return await task();
    } finally {
      this.running -= 1;
      const left = this.activeFor(key) - 1;
      if (left > 0) this.runningByKey.set(key, left);
      else this.runningByKey.delete(key);
      this.markReady(key);
      this.startWaiting();
    }
  }

  private startWaiting(): void {
    while (this.running < this.options.globalConcurrency) {
      const next = this.ready.pop();
      if (!next) return;
      // Heap entries can be stale: the key filled up again, or its head started or was cancelled.
      if (this.activeFor(next.key) >= this.options.perKeyConcurrency) continue;
      const head = this.headOf(next.key);
      if (!head) continue;
      if (head.seq !== next.seq) {
        this.ready.push(head.seq, next.key);
        continue;
      }
      this.waitingByKey.get(next.key)?.shift();
      this.queued -= 1;
      if (this.activeFor(next.key) + 1 < this.options.perKeyConcurrency) this.markReady(next.key);
      head.start();
    }
  }
}

/** Binary min-heap of (seq, key). */
class SeqHeap {
  private readonly items: { seq: number; key: string }[] = [];

  push(seq: number, key: string): void {
    const items = this.items;
    items.push({ seq, key });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]!.seq <= items[i]!.seq) break;
      [items[parent], items[i]] = [items[i]!, items[parent]!];
      i = parent;
    }
  }

  pop(): { seq: number; key: string } | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let min = i;
        if (l < items.length && items[l]!.seq < items[min]!.seq) min = l;
        if (r < items.length && items[r]!.seq < items[min]!.seq) min = r;
        if (min === i) break;
        [items[min], items[i]] = [items[i]!, items[min]!];
        i = min;
      }
    }
    return top;
  }
}
