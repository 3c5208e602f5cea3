import { h } from "./dom.js";

/** The loading spinner or the error-with-retry box laid over a view while its data is not there. */
export class StatusOverlay {
  readonly element = h("div", {
    className: "status-overlay",
    attrs: { hidden: "", "data-testid": "status-overlay" },
  });

  showLoading(message: string): void {
    this.element.dataset.state = "loading";
    this.element.replaceChildren(
      h(
        "div",
        { className: "status-box", attrs: { role: "status", "aria-live": "polite" } },
        h("div", { className: "spinner", attrs: { "aria-hidden": "true" } }),
        h("div", { text: message }),
      ),
    );
    this.element.hidden = false;
  }

  showError(title: string, detail: string, retryLabel: string, onRetry: () => void): void {
    this.element.dataset.state = "error";
    this.element.replaceChildren(
      h(
        "div",
        { className: "status-box error", attrs: { role: "alert" } },
        h("div", { className: "status-title", text: title }),
        h("div", { className: "status-detail", text: detail }),
        h("button", {
          text: retryLabel,
          attrs: { type: "button", "data-testid": "retry" },
          on: { click: onRetry },
        }),
      ),
    );
    this.element.hidden = false;
  }

  hide(): void {
    this.element.dataset.state = "hidden";
    this.element.hidden = true;
    this.element.replaceChildren();
  }
}
