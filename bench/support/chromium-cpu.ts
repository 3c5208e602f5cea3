/**
 * Where a headless Chromium's CPU goes, for the plate CPU probe (decision 0143): per process
 * kind and per thread from /proc, the renderer main thread's own accounting from CDP, and a
 * self-time summary of a Chrome trace.
 */
import { readdirSync, readFileSync } from "node:fs";
import type { CDPSession } from "playwright-core";
import { processTree, statFields } from "./proc-stat.js";

/** CPU (µs) by "kind" and by "kind/thread name" across a set of Chromium process trees. */
export interface ChromiumCpu {
  processes: Map<string, number>;
  threads: Map<string, number>;
}

/** "renderer", "gpu-process", "network", "browser" … from Chromium's --type switches. */
function processKind(pid: number): string {
  let args: string[];
  try {
    // Chromium rewrites its children's command lines as one space-separated string.
    args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split(/[\0 ]/);
  } catch {
    return "gone";
  }
  const value = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
  const type = value("type");
  if (type === undefined) return args[0]?.includes("chrom") ? "browser" : (args[0] ?? "?");
  if (type === "utility") return (value("utility-sub-type") ?? "utility").replace(/\.mojom\..*/, "");
  return type;
}

export function chromiumCpu(roots: readonly number[]): ChromiumCpu {
  const processes = new Map<string, number>();
  const threads = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  for (const pid of processTree(roots)) {
    const kind = processKind(pid);
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      const stat = statFields(`/proc/${pid}/task/${tid}/stat`);
      if (!stat) continue;
      add(processes, kind, stat.cpu);
      // Numbered pool threads ("ThreadPoolForeg", "CompositorTileW") are summed by name.
      add(threads, `${kind}/${stat.comm.replace(/\d+$/, "")}`, stat.cpu);
    }
  }
  return { processes, threads };
}

/** The CPU each process kind and thread used between two readings, busiest first. */
export function chromiumCpuDelta(
  before: ChromiumCpu,
  after: ChromiumCpu,
): { processes: [string, number][]; threads: [string, number][] } {
  const delta = (a: Map<string, number>, b: Map<string, number>) =>
    [...b]
      .map(([k, v]): [string, number] => [k, v - (a.get(k) ?? 0)])
      .filter(([, v]) => v > 0)
      .sort((x, y) => y[1] - x[1]);
  return {
    processes: delta(before.processes, after.processes),
    threads: delta(before.threads, after.threads),
  };
}

/** The renderer's cumulative main-thread seconds (task, script, style, layout) from CDP. */
export async function rendererMetrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = await cdp.send("Performance.getMetrics");
  const wanted = [
    "TaskDuration",
    "ScriptDuration",
    "RecalcStyleDuration",
    "LayoutDuration",
    "TaskOtherDuration",
  ];
  return Object.fromEntries(metrics.filter((m) => wanted.includes(m.name)).map((m) => [m.name, m.value]));
}

interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/**
 * Thread CPU (tdur, ms) each event name used itself, children excluded, per thread name: the
 * busiest 30. Tracing costs CPU of its own, so this is for proportions, not totals.
 */
export function summariseTrace(json: string): { event: string; ms: number; count: number }[] {
  const parsed = JSON.parse(json) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const threadNames = new Map<string, string>();
  for (const e of events)
    if (e.ph === "M" && e.name === "thread_name") threadNames.set(`${e.pid}:${e.tid}`, e.args?.name ?? "?");
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    if (e.ph !== "X" || e.tdur === undefined || e.dur === undefined) continue;
    const key = `${e.pid}:${e.tid}`;
    const list = byThread.get(key) ?? [];
    list.push(e);
    byThread.set(key, list);
  }
  const totals = new Map<string, { ms: number; count: number }>();
  for (const [key, list] of byThread) {
    list.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const thread = (threadNames.get(key) ?? "?").replace(/\d+$/, "");
    const stack: { end: number; self: number; name: string }[] = [];
    const flush = (frame: { self: number; name: string }) => {
      const total = totals.get(`${thread}/${frame.name}`) ?? { ms: 0, count: 0 };
      total.ms += Math.max(0, frame.self) / 1000;
      total.count += 1;
      totals.set(`${thread}/${frame.name}`, total);
    };
    for (const e of list) {
      while (stack.length > 0 && stack.at(-1)!.end <= e.ts) flush(stack.pop()!);
      const parent = stack.at(-1);
      if (parent) parent.self -= e.tdur!;
      stack.push({ end: e.ts + e.dur!, self: e.tdur!, name: e.name });
    }
    while (stack.length > 0) flush(stack.pop()!);
  }
  return [...totals]
    .map(([event, t]) => ({ event, ms: Math.round(t.ms), count: t.count }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 30);
}
