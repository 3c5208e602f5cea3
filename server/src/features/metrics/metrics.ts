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
}

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
  client.collectDefaultMetrics({ register: registry, prefix: "gridops_process_" });
  const counter = (name: string, help: string, labelNames: string[] = []) =>
    (registry.getSingleMetric(name) as client.Counter<string>) ?? new client.Counter({ name, help, labelNames, registers: [registry] });
  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    (registry.getSingleMetric(name) as client.Gauge<string>) ?? new client.Gauge({ name, help, labelNames, registers: [registry] });
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
    new client.Gauge({
      name: spec.name,
      help: spec.help,
      labelNames: spec.labelNames ?? [],
      registers: [registry],
      async collect() {
        this.reset();
        const exists = await pool.query<{ t: string | null }>("SELECT to_regclass($1)::text AS t", [spec.table]);
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

  return { registry, httpDuration, counter, gauge, histogram, addDatabaseGauge };
}
