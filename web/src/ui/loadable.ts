import { button } from "./actions.js";
import { h } from "./dom.js";

/** Data a panel is waiting for, has, or failed to get. */
export type Loadable<T> =
  | { state: "loading" }
  | { state: "error"; error: unknown }
  | { state: "ready"; data: T };

export interface LoadableLabels {
  loading: string;
  failed: string;
  retry: string;
  /** The error's text (see ui/error-message.ts). */
  detail: (error: unknown) => string;
}

/** The spinner, the error with a retry button, or the data. */
export function renderLoadable<T>(
  value: Loadable<T>,
  labels: LoadableLabels,
  onRetry: () => void,
  renderData: (data: T) => Node,
): Node {
  if (value.state === "loading") {
    return h(
      "div",
      { className: "panel-status", attrs: { role: "status", "data-testid": "panel-loading" } },
      h("div", { className: "spinner", attrs: { "aria-hidden": "true" } }),
      h("span", { text: labels.loading }),
    );
  }
  if (value.state === "error") {
    return h(
      "div",
      { className: "panel-status error", attrs: { role: "alert", "data-testid": "panel-error" } },
      h("div", { className: "status-title", text: labels.failed }),
      h("div", { className: "status-detail", text: labels.detail(value.error) }),
      button({ text: labels.retry, onClick: onRetry }),
    );
  }
  return renderData(value.data);
}

/** Runs a load and reports each state; a later call wins over an earlier one still in flight. */
export function loader<T>(
  load: () => Promise<T>,
  onState: (value: Loadable<T>) => void,
): () => Promise<void> {
  let generation = 0;
  return async () => {
    const mine = ++generation;
    onState({ state: "loading" });
    try {
      const data = await load();
      if (mine === generation) onState({ state: "ready", data });
    } catch (error) {
      if (mine === generation) onState({ state: "error", error });
    }
  };
}
