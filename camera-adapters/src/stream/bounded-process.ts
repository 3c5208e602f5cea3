import { type ChildProcess, spawn } from "node:child_process";

export interface BoundedRunOptions {
  command: string;
  args: readonly string[];
  /** Hard wall-clock limit: the child is SIGKILLed when it passes. */
  killAfterMs: number;
  /** stdout beyond this is dropped and the child killed (a snapshot must not fill memory). */
  maxStdoutBytes?: number;
  onStderrLine?: (line: string) => void;
  /** Streams stdout to the caller as it arrives (still collected, within maxStdoutBytes). */
  onStdout?: (chunk: Buffer) => void;
  onSpawn?: (pid: number) => void;
}

export interface BoundedRunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  /** Tail of stderr, enough to classify a failure. */
  stderrTail: string;
  killedForTimeout: boolean;
  killedForOutputSize: boolean;
  spawnError: Error | null;
  elapsedMs: number;
}

const stderrTailChars = 8_192;
/** After SIGKILL the 'close' event normally follows within milliseconds; this is a backstop. */
const settleAfterKillMs = 2_000;

const liveChildren = new Set<ChildProcess>();

// A long-running child (the demo's test stream encoder) must not outlive its parent when the
// process exits through process.exit(); an 'exit' hook may only do synchronous work, and kill is.
process.on("exit", () => {
  for (const child of liveChildren) child.kill("SIGKILL");
});

/** How many ffmpeg/ffprobe children this process currently owns (tests, metrics). */
export function activeStreamProcessCount(): number {
  return liveChildren.size;
}

/**
 * Runs a child with no stdin and a kill timer. The promise always settles, whatever the
 * child does: ffmpeg's own -timeout only covers socket waits, not a server that trickles
 * data or a decoder that stalls.
 */
export function runBounded(options: BoundedRunOptions): Promise<BoundedRunResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(options.command, [...options.args], { stdio: ["ignore", "pipe", "pipe"] });
    liveChildren.add(child);
    const stdoutChunks: Buffer[] = [];
    let stdoutBytes = 0;
    let stderrTail = "";
    let stderrPartial = "";
    let killedForTimeout = false;
    let killedForOutputSize = false;
    let spawnError: Error | null = null;
    let settled = false;
    let backstop: NodeJS.Timeout | undefined;

    const finish = (exitCode: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(killTimer);
      clearTimeout(backstop);
      liveChildren.delete(child);
      if (stderrPartial) options.onStderrLine?.(stderrPartial);
      resolve({
        exitCode,
        signal,
        stdout: Buffer.concat(stdoutChunks),
        stderrTail,
        killedForTimeout,
        killedForOutputSize,
        spawnError,
        elapsedMs: performance.now() - started,
      });
    };

    const kill = () => {
      child.kill("SIGKILL");
      backstop ??= setTimeout(() => finish(null, "SIGKILL"), settleAfterKillMs);
    };

    const killTimer = setTimeout(() => {
      killedForTimeout = true;
      kill();
    }, options.killAfterMs);

    if (child.pid !== undefined) options.onSpawn?.(child.pid);

    child.stdout.on("data", (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (options.maxStdoutBytes !== undefined && stdoutBytes > options.maxStdoutBytes) {
        killedForOutputSize = true;
        kill();
        return;
      }
      stdoutChunks.push(chunk);
      options.onStdout?.(chunk);
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text: string) => {
      stderrTail = (stderrTail + text).slice(-stderrTailChars);
      if (!options.onStderrLine) return;
      const lines = (stderrPartial + text).split(/\r?\n|\r/);
      stderrPartial = lines.pop() ?? "";
      for (const line of lines) options.onStderrLine(line);
    });
    child.on("error", (error) => {
      spawnError = error;
      finish(null, null);
    });
    child.on("close", (code, signal) => finish(code, signal));
  });
}
