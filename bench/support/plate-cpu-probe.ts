/**
 * Where the CPU of a one-read plate push goes (decision 0141): the plate-ingest bench's server,
 * data and load, without its baselines or browser, with CPU time per acknowledged read taken
 * from /proc for the server process and its children, every process of the PostgreSQL
 * cluster, and this process (the load generator), plus the machine's idle share.
 *
 *   flock /tmp/gridops-bench.lock npx tsx --conditions=development bench/support/plate-cpu-probe.ts
 *
 * Environment: GRIDOPS_BENCH_PLATE_SECONDS [15], GRIDOPS_BENCH_PLATE_CONCURRENCY [384], and
 * the server's own (GRIDOPS_PLATE_INGEST_PROCESSES …) passed through by the bench's startServer.
 * PROBE_STATEMENTS=1 adds the database's commit, block and insert counters.
 * PROBE_BROWSER=1 also runs the bench's headless Chromium hit reader and reports its CPU, split
 * by Chromium process kind and thread (from /proc), with the renderer's own task, script, style
 * and layout time (CDP Performance.getMetrics) and the hits the page drew.
 * PROBE_SCREENSHOT=<file.png> saves the reader's page as it is at the end of the run.
 * PROBE_TRACE=<file> also records a Chrome trace of the run and prints its busiest events.
 */
import { readFileSync } from "node:fs";
import os from "node:os";
import { browserReader, load, setUp, startServer, stopServer } from "../plate-ingest.bench.js";
import { startBenchDatabase } from "./database.js";
import {
  type ChromiumCpu,
  chromiumCpu,
  chromiumCpuDelta,
  rendererMetrics,
  summariseTrace,
} from "./chromium-cpu.js";
import { childrenOf, treeCpu } from "./proc-stat.js";

function machine(): { busy: number; total: number } {
  const cpus = os.cpus();
  let busy = 0;
  let total = 0;
  for (const c of cpus) {
    const t = c.times.user + c.times.nice + c.times.sys + c.times.irq + c.times.idle;
    total += t;
    busy += t - c.times.idle;
  }
  return { busy, total };
}

async function main(): Promise<void> {
  const seconds = Number(process.env.GRIDOPS_BENCH_PLATE_SECONDS ?? 15);
  const db = await startBenchDatabase({ demo: true });
  const dataDir = decodeURIComponent(/host=([^&]+)/.exec(db.connectionString)![1]!);
  const postmaster = Number(readFileSync(`${dataDir}/postmaster.pid`, "utf8").split("\n")[0]);
  const { pushTokens } = await setUp(db);
  const server = await startServer(db, true, {
    ingestProcesses: Number(process.env.GRIDOPS_BENCH_PLATE_INGEST_PROCESSES ?? 2),
  });
  try {
    const plan = (startSeq: number, durationS: number) => ({
      url: server.ingestUrl,
      tokens: pushTokens,
      startSeq,
      durationS,
      readsPerRequest: 1,
      hits: true,
    });
    await load(plan(0, 5));
    const reader = process.env.PROBE_BROWSER === "1" ? await browserReader(server.url) : null;
    // Chromium is a child of this process; the server is another, PostgreSQL is daemonised.
    const chromiumRoots = () =>
      childrenOf(process.pid).filter((child) => child !== server.child.pid && child !== postmaster);
    const browserCpu = () => treeCpu(chromiumRoots());
    const cdp = reader ? await reader.page.context().newCDPSession(reader.page) : null;
    await cdp?.send("Performance.enable");
    const traceFile = process.env.PROBE_TRACE;
    if (reader && traceFile)
      await reader.chromium.browser.startTracing(reader.page, {
        path: traceFile,
        categories: [
          "devtools.timeline",
          "disabled-by-default-devtools.timeline",
          "blink",
          "cc",
          "v8",
          "toplevel",
        ],
      });
    await db.pool.query("SELECT pg_stat_reset()");
    const chromiumBefore: ChromiumCpu | null = reader ? chromiumCpu(chromiumRoots()) : null;
    const metricsBefore = cdp ? await rendererMetrics(cdp) : null;
    const hitsBefore = reader ? (await reader.seen()).size : 0;
    const before = {
      browser: browserCpu(),
      server: treeCpu([server.child.pid!]),
      pg: treeCpu([postmaster]),
      self: process.cpuUsage(),
      machine: machine(),
    };
    const r = await load(plan(10_000_000, seconds));
    const after = {
      browser: browserCpu(),
      server: treeCpu([server.child.pid!]),
      pg: treeCpu([postmaster]),
      self: process.cpuUsage(before.self),
      machine: machine(),
    };
    const chromiumAfter: ChromiumCpu | null = reader ? chromiumCpu(chromiumRoots()) : null;
    const metricsAfter = cdp ? await rendererMetrics(cdp) : null;
    const hitsDrawn = reader ? (await reader.seen()).size - hitsBefore : 0;
    const reads = r.ackedReads;
    const per = (us: number) => (us / reads).toFixed(0);
    const busy = (after.machine.busy - before.machine.busy) / (after.machine.total - before.machine.total);
    const quantile = (q: number) =>
      [...r.latencies].sort((a, b) => a - b)[Math.floor(r.latencies.length * q)];
    console.log(
      JSON.stringify({
        readsPerSecond: Math.round(reads / r.seconds),
        failed: r.failed,
        p50: quantile(0.5)?.toFixed(1),
        p99: quantile(0.99)?.toFixed(1),
        cpuUsPerRead: {
          server: per(after.server - before.server),
          postgres: per(after.pg - before.pg),
          loadGenerator: per(after.self.user + after.self.system),
          ...(reader ? { browser: per(after.browser - before.browser) } : {}),
        },
        coresUsed: {
          server: ((after.server - before.server) / 1e6 / r.seconds).toFixed(2),
          postgres: ((after.pg - before.pg) / 1e6 / r.seconds).toFixed(2),
          loadGenerator: ((after.self.user + after.self.system) / 1e6 / r.seconds).toFixed(2),
          ...(reader ? { browser: ((after.browser - before.browser) / 1e6 / r.seconds).toFixed(2) } : {}),
        },
        machineBusy: busy.toFixed(2),
        loadAverage: os.loadavg().map((l) => l.toFixed(2)),
      }),
    );
    if (chromiumBefore && chromiumAfter && metricsBefore && metricsAfter) {
      const perHit = (us: number) => (hitsDrawn > 0 ? (us / hitsDrawn / 1000).toFixed(2) : "n/a");
      const split = chromiumCpuDelta(chromiumBefore, chromiumAfter);
      console.log(
        JSON.stringify({
          hitsDrawn,
          browserMsPerHit: perHit(after.browser - before.browser),
          processMsPerHit: Object.fromEntries(split.processes.map(([kind, us]) => [kind, perHit(us)])),
          threadMsPerHit: Object.fromEntries(
            split.threads.slice(0, 14).map(([name, us]) => [name, perHit(us)]),
          ),
          rendererMainMsPerHit: Object.fromEntries(
            Object.entries(metricsAfter).map(([name, s]) => [
              name,
              perHit((s - (metricsBefore[name] ?? 0)) * 1e6),
            ]),
          ),
        }),
      );
    }
    if (reader && process.env.PROBE_SCREENSHOT) {
      await reader.page.screenshot({ path: process.env.PROBE_SCREENSHOT });
      console.log(
        JSON.stringify(
          await reader.page.evaluate(() => {
            const view = document.querySelector(".page-view");
            const feed = document.querySelector("[data-testid=hits-feed]");
            return {
              viewScrolls: view ? view.scrollHeight > view.clientHeight : null,
              feedTop: feed?.getBoundingClientRect().top,
              feedHeight: feed?.getBoundingClientRect().height,
              cards: feed?.querySelectorAll("article").length,
            };
          }),
        ),
      );
    }
    if (reader && traceFile) {
      await reader.chromium.browser.stopTracing();
      console.log(JSON.stringify(summariseTrace(readFileSync(traceFile, "utf8"))));
    }
    await reader?.close();
    if (process.env.PROBE_STATEMENTS === "1") {
      const { rows } = await db.pool.query(
        `SELECT xact_commit, blks_hit, blks_read, tup_inserted FROM pg_stat_database WHERE datname = current_database()`,
      );
      console.log(JSON.stringify(rows[0]));
    }
  } finally {
    await stopServer(server);
    await db.close();
  }
}

await main();
