import type { MessageKey, Translate } from "../i18n/i18n.js";
import type { ConnectionStatus } from "../realtime/realtime-store.js";
import { h } from "./dom.js";

const LABEL: Record<ConnectionStatus, MessageKey> = {
  connecting: "realtime.connecting",
  live: "realtime.live",
  reconnecting: "realtime.reconnecting",
  refused: "realtime.refused",
  stopped: "realtime.stopped",
};

/** A dot and a word saying whether live updates are arriving. */
export function connectionIndicator(status: ConnectionStatus, t: Translate): HTMLElement {
  return h(
    "span",
    {
      className: `connection connection-${status}`,
      attrs: { role: "status", "data-testid": "connection", "data-status": status },
    },
    h("span", { className: "connection-dot", attrs: { "aria-hidden": "true" } }),
    h("span", { text: t(LABEL[status]) }),
  );
}
