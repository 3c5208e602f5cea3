import client from "prom-client";
import type { Pool } from "../../db/pool.js";

/**
 * One Prometheus registry per app instance (tests start several servers in one process).
 * Features add their own metrics to it through `deps.metrics`; gauges that describe stored
 * state (camera states, queue depth, overdue incidents) are read from PostgreSQL at scrape time
 * by collectors registered with `addDatabaseGauge`.
 */
export interface Metrics {
  registry: client.Registry;
  httpDuration: client.Histogram<"method" | "route" | "status">;
  counter(name: string, help: string, labelNames?: string[]): client.Counter<string>;
  gauge(name: string, help: string, labelNames?: string[]): client.Gauge<string>;
  histogram(name: string, help: string, labelNames?: string[], buckets?: number[]): client.Histogram<string>;
  addDatabaseGauge(spec: DatabaseGauge): void;
  /**
   * What this process alone measured (no database gauges, which describe shared state, and
   * no default process metrics): what a plate ingest worker hands the main process's scrape.
   */
  ownMeasurements(): Promise<MetricJson[]>;
  /** Other processes' own measurements (the plate ingest workers), summed in at every scrape. */
  addPeers(peers: () => Promise<MetricJson[][]>): void;
  /** The text exposition: this registry plus every peer's measurements, summed by label set. */
  exposition(): Promise<string>;
}

export type MetricJson = client.MetricObjectWithValues<client.MetricValue<string>>;

/** Metrics prom-client's collectDefaultMetrics adds: the process they are read in. */
const PROCESS_PREFIX = "gridops_process_";

export interface DatabaseGauge {
  name: string;
  help: string;
  labelNames?: string[];
  /** SQL returning rows of label columns plus a numeric `value`; skipped while its table is missing. */
  sql: string;
  table: string;
}

export function createMetrics(pool: Pool): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: PROCESS_PREFIX });
  const shared = new Set<string>();
  const peerSources: (() => Promise<MetricJson[][]>)[] = [];
  const counter = (name: string, help: string, labelNames: string[] = []) =>
    (registry.getSingleMetric(name) as client.Counter<string>) ??
    new client.Counter({ name, help, labelNames, registers: [registry] });
  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    (registry.getSingleMetric(name) as client.Gauge<string>) ??
    new client.Gauge({ name, help, labelNames, registers: [registry] });
  const histogram = (name: string, help: string, labelNames: string[] = [], buckets?: number[]) =>
    (registry.getSingleMetric(name) as client.Histogram<string>) ??
    new client.Histogram({ name, help, labelNames, registers: [registry], ...(buckets ? { buckets } : {}) });

  const httpDuration = histogram(
    "gridops_http_request_duration_seconds",
    "HTTP request latency by route pattern",
    ["method", "route", "status"],
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  ) as client.Histogram<"method" | "route" | "status">;

  new client.Gauge({
    name: "gridops_db_pool_connections",
    help: "Database pool connections by state",
    labelNames: ["state"],
    registers: [registry],
    collect() {
      this.set({ state: "total" }, pool.totalCount);
      this.set({ state: "idle" }, pool.idleCount);
      this.set({ state: "waiting" }, pool.waitingCount);
    },
  });

  const addDatabaseGauge = (spec: DatabaseGauge) => {
    shared.add(spec.name);
    new client.Gauge({
      name: spec.name,
      help: spec.help,
      labelNames: spec.labelNames ?? [],
      registers: [registry],
      async collect() {
        this.reset();
        const exists = await pool.query<{ t: string | null }>("SELECT to_regclass($1)::text AS t", [
          spec.table,
        ]);
        if (!exists.rows[0]?.t) return;
        const { rows } = await pool.query<Record<string, string | number>>(spec.sql);
        for (const row of rows) {
          const { value, ...labels } = row;
          this.set(labels as Record<string, string>, Number(value));
        }
      },
    });
  };

  addDatabaseGauge({
    name: "gridops_cameras",
    help: "Cameras by health state",
    labelNames: ["state"],
    table: "cameras",
    sql: "SELECT status AS state, count(*)::int AS value FROM cameras GROUP BY status",
  });

  const isProcessMetric = (name: string) => name.startsWith(PROCESS_PREFIX);
  const namesWhere = (keep: (name: string) => boolean) =>
    registry
      .getMetricsAsArray()
      .map((m) => m.name)
      .filter(keep);
  const valuesOf = (names: readonly string[]) =>
    Promise.all(names.map((name) => registry.getSingleMetric(name)!.get() as Promise<MetricJson>));

  const ownMeasurements = () => valuesOf(namesWhere((name) => !shared.has(name) && !isProcessMetric(name)));

  const exposition = async (): Promise<string> => {
    if (peerSources.length === 0) return registry.metrics();
    const peers = (await Promise.all(peerSources.map((source) => source()))).flat();
    const rest = await valuesOf(namesWhere((name) => !isProcessMetric(name)));
    const summed = await client.AggregatorRegistry.aggregate([rest, ...peers]).metrics();
    // This process's own process metrics stay as they are (summing start times is no answer).
    const processText = await Promise.all(
      namesWhere(isProcessMetric).map((name) => registry.getSingleMetricAsString(name)),
    );
    return `${summed}${processText.map((text) => `${text}\n`).join("")}`;
  };

  return {
    registry,
    httpDuration,
    counter,
    gauge,
    histogram,
    addDatabaseGauge,
    ownMeasurements,
    addPeers: (peers) => void peerSources.push(peers),
    exposition,
  };
}
