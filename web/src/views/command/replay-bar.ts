import type { Language } from "../../i18n/i18n.js";
import { h } from "../../ui/dom.js";
import type { CommandTranslate } from "./command-translate.js";

const DAY_MS = 86_400_000;
const STEP_MS = 5 * 60_000;

/**
 * Replay of the last 24 hours: a slider over time; the map and list show the incidents open
 * at the chosen moment. "Back to live" returns to the live stream (which kept updating).
 */
export class ReplayBar {
  readonly element = h("div", { className: "replay-bar", attrs: { "data-testid": "replay-bar" } });
  #at: number | null = null;
  #from = 0;

  constructor(
    private readonly t: () => CommandTranslate,
    private readonly language: () => Language,
    private readonly onChange: (at: number | null) => void,
  ) {
    this.render();
  }

  get at(): number | null {
    return this.#at;
  }

  start(): void {
    const now = Date.now();
    this.#from = now - DAY_MS;
    this.#set(now - STEP_MS);
  }

  stop(): void {
    this.#set(null);
  }

  #set(at: number | null): void {
    this.#at = at;
    this.onChange(at);
    this.render();
  }

  render(): void {
    const t = this.t();
    if (this.#at === null) {
      this.element.replaceChildren(
        h("button", {
          text: t("command.replay.start"),
          attrs: { type: "button", "data-testid": "replay-start" },
          on: { click: () => this.start() },
        }),
      );
      return;
    }
    const slider = h("input", {
      attrs: {
        type: "range",
        min: String(this.#from),
        max: String(this.#from + DAY_MS),
        step: String(STEP_MS),
        "aria-label": t("command.replay.slider"),
        "data-testid": "replay-slider",
      },
    });
    slider.value = String(this.#at);
    const label = h("span", { className: "replay-time", attrs: { "data-testid": "replay-time" } });
    const showTime = (at: number) => {
      label.textContent = t("command.replay.at", {
        time: new Date(at).toLocaleString(this.language(), { dateStyle: "short", timeStyle: "short" }),
      });
    };
    showTime(this.#at);
    slider.addEventListener("input", () => {
      const at = Number(slider.value);
      this.#at = at;
      showTime(at);
      this.onChange(at);
    });
    this.element.replaceChildren(
      slider,
      label,
      h("button", {
        text: t("command.replay.live"),
        attrs: { type: "button", "data-testid": "replay-live" },
        on: { click: () => this.stop() },
      }),
    );
  }
}
