import client from "prom-client";
import type { Metrics } from "../features/metrics/metrics.js";
import type { OutboxRelay } from "./relay.js";
import type { RealtimeStats } from "./socket-types.js";

/** Realtime figures on the app's /metrics: read from the live counters at scrape time. */
export function registerRealtimeMetrics(metrics: Metrics, stats: RealtimeStats, relay: OutboxRelay): void {
  const registers = [metrics.registry];
  if (metrics.registry.getSingleMetric("gridops_realtime_connections")) return;
  new client.Gauge({
    name: "gridops_realtime_connections",
    help: "Socket.IO clients connected to this process",
    registers,
    collect() {
      this.set(stats.connections);
    },
  });
  new client.Counter({
    name: "gridops_realtime_events_total",
    help: "Realtime counters of this process by kind (delivered, lagged, dropped, ignored_client_events, …)",
    labelNames: ["kind"],
    registers,
    collect() {
      this.reset();
      const kinds: Record<string, number> = {
        delivered: stats.delivered,
        catch_up_events: stats.catchUpEvents,
        catch_ups: stats.catchUps,
        resyncs: stats.resyncs,
        lagged: stats.lagged,
        dropped: stats.dropped,
        ignored_client_events: stats.ignoredClientEvents,
        joins_refused: stats.joinsRefused,
        rejected_handshakes: stats.rejectedHandshakes,
        relay_errors: relay.stats.errors,
      };
      for (const [kind, value] of Object.entries(kinds)) this.inc({ kind }, value);
    },
  });
  new client.Gauge({
    name: "gridops_realtime_relay_position",
    help: "Last outbox seq this process has delivered",
    registers,
    collect() {
      this.set(relay.position);
    },
  });
  metrics.addDatabaseGauge({
    name: "gridops_outbox_unpublished",
    help: "Committed outbox events not yet given a seq (should stay near 0)",
    table: "outbox",
    sql: "SELECT count(*)::int AS value FROM outbox WHERE seq IS NULL",
  });
}
