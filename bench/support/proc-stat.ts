/** CPU time and process trees read from /proc, for the CPU probes. */
import { readdirSync, readFileSync } from "node:fs";

const TICK_US = 1e6 / 100; // USER_HZ

/** A process's or thread's name, parent and utime + stime (µs) from a /proc …/stat file; null when gone. */
export function statFields(path: string): { comm: string; ppid: number; cpu: number } | null {
  try {
    const stat = readFileSync(path, "utf8");
    const close = stat.lastIndexOf(")");
    const fields = stat.slice(close + 2).split(" ");
    return {
      comm: stat.slice(stat.indexOf("(") + 1, close),
      ppid: Number(fields[1]),
      cpu: (Number(fields[11]) + Number(fields[12])) * TICK_US,
    };
  } catch {
    return null;
  }
}

function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statFields(`/proc/${entry}/stat`);
    if (stat) out.set(Number(entry), stat.ppid);
  }
  return out;
}

/** The direct children of a process. */
export function childrenOf(pid: number): number[] {
  return [...parents()].filter(([, ppid]) => ppid === pid).map(([child]) => child);
}

/** The processes and all their descendants. */
export function processTree(roots: readonly number[]): number[] {
  const byParent = parents();
  const out = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of byParent)
      if (out.has(ppid) && !out.has(pid)) {
        out.add(pid);
        grew = true;
      }
  }
  return [...out];
}

/** utime + stime (µs) of the processes and all their descendants (those still running). */
export function treeCpu(roots: readonly number[]): number {
  let total = 0;
  for (const pid of processTree(roots)) total += statFields(`/proc/${pid}/stat`)?.cpu ?? 0;
  return total;
}
