import pg from "pg";
import type { Logger } from "../logger.js";
import { SEQUENCED_CHANNEL } from "./outbox.sql.js";

export interface OutboxListener {
  /** True while the LISTEN connection is up. */
  readonly connected: boolean;
  close(): Promise<void>;
}

export interface ListenerOptions {
  connection: pg.ClientConfig;
  log: Logger;
  /** Called on every notification and after every (re)connect, since notifications sent while down are lost. */
  onWake: () => void;
  maxBackoffMs?: number;
}

/**
 * A dedicated connection that LISTENs for outbox notifications (not taken from the pool: it
 * lives as long as the process). On loss it reconnects with capped exponential backoff.
 */
export function startOutboxListener(options: ListenerOptions): OutboxListener {
  const maxBackoff = options.maxBackoffMs ?? 30_000;
  let client: pg.Client | null = null;
  let closed = false;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | null = null;

  const scheduleReconnect = () => {
    if (closed || retryTimer) return;
    const delay = Math.min(maxBackoff, 250 * 2 ** Math.min(failures, 10));
    failures += 1;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, delay);
  };

  const connect = async () => {
    const next = new pg.Client({ ...options.connection, application_name: "gridops-realtime-listener" });
    next.on("notification", () => options.onWake());
    next.on("error", (err) => {
      options.log.warn({ err }, "outbox listener connection failed; reconnecting");
      dropClient(next);
    });
    next.on("end", () => dropClient(next));
    try {
      await next.connect();
      await next.query(`LISTEN ${SEQUENCED_CHANNEL}`);
    } catch (err) {
      options.log.warn({ err }, "outbox listener cannot connect; retrying");
      next.removeAllListeners("end");
      await next.end().catch(() => {});
      scheduleReconnect();
      return;
    }
    if (closed) {
      await next.end().catch(() => {});
      return;
    }
    client = next;
    if (failures > 0) options.log.info("outbox listener reconnected");
    failures = 0;
    options.onWake();
  };

  const dropClient = (which: pg.Client) => {
    if (client !== which) return;
    client = null;
    which.removeAllListeners("end");
    which.end().catch(() => {});
    scheduleReconnect();
  };

  void connect();
  return {
    get connected() {
      return client !== null;
    },
    close: async () => {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const current = client;
      client = null;
      if (current) {
        current.removeAllListeners("end");
        await current.end().catch(() => {});
      }
    },
  };
}
