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
  key: string;
  start: () => void;
  reject: (error: unknown) => void;
}

/**
 * FIFO limiter keyed by camera id (or host:port): at most `perKeyConcurrency` checks per key
 * and `globalConcurrency` overall. A queued check whose key is busy does not block checks
 * of other cameras behind it.
 */
export class StreamCheckLimiter {
  private readonly options: z.infer<typeof streamCheckLimiterOptionsSchema>;
  private readonly runningByKey = new Map<string, number>();
  private readonly waiting: Waiting[] = [];
  private running = 0;

  constructor(options: StreamCheckLimiterOptions = {}) {
    this.options = streamCheckLimiterOptionsSchema.parse(options);
  }

  get activeCount(): number {
    return this.running;
  }

  get queuedCount(): number {
    return this.waiting.length;
  }

  activeFor(key: string): number {
    return this.runningByKey.get(key) ?? 0;
  }

  run<T>(key: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.canStart(key)) return this.execute(key, task);
    if (this.waiting.length >= this.options.maxQueued) {
      return Promise.reject(
        new StreamCheckError("busy", `stream check queue is full (${this.options.maxQueued} waiting)`),
      );
    }
    return new Promise<T>((resolve, reject) => {
      const entry: Waiting = {
        key,
        start: () => {
          signal?.removeEventListener("abort", onAbort);
          this.execute(key, task).then(resolve, reject);
        },
        reject,
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(entry);
        if (index !== -1) this.waiting.splice(index, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  private canStart(key: string): boolean {
    return (
      this.running < this.options.globalConcurrency && this.activeFor(key) < this.options.perKeyConcurrency
    );
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
      this.startWaiting();
    }
  }

  private startWaiting(): void {
    for (let i = 0; i < this.waiting.length && this.running < this.options.globalConcurrency; ) {
      const entry = this.waiting[i]!;
      if (this.activeFor(entry.key) < this.options.perKeyConcurrency) {
        this.waiting.splice(i, 1);
        entry.start();
      } else {
        i += 1;
      }
    }
  }
}
