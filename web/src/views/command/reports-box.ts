import type { EventPayloads } from "@gridops/server/api-types";
import type { MissingReports } from "../../api/incident-schemas.js";
import type { IncidentsApi } from "../../api/incidents-api.js";
import type { Language } from "../../i18n/i18n.js";
import { h } from "../../ui/dom.js";
import { errorMessage } from "../../ui/error-message.js";
import type { CommandTranslate } from "./command-translate.js";

const SHOWN = 12;

/** The missing list after a grid filed: unchanged (same object) if the report is for another day or grid. */
export function afterFiled(data: MissingReports, payload: EventPayloads["report.filed"]): MissingReports {
  if (payload.reportDate !== data.date) return data;
  const missing = data.missing.filter((m) => m.cellCode !== payload.cellCode);
  if (missing.length === data.missing.length) return data;
  return { ...data, missing, filed: data.filed + 1 };
}

/** Today's daily reports: how many grids reported, and which have not (live from report.filed). */
export class ReportsBox {
  readonly element = h("section", { className: "reports-box", attrs: { "data-testid": "missing-reports" } });
  #data: MissingReports | null = null;
  #error: unknown = null;

  constructor(
    private readonly api: IncidentsApi,
    private readonly t: () => CommandTranslate,
    private readonly language: () => Language,
  ) {
    this.render();
  }

  async load(): Promise<void> {
    try {
      this.#data = await this.api.missingReports();
      this.#error = null;
    } catch (error) {
      this.#error = error;
    }
    this.render();
  }

  /** A grid filed: it leaves the missing list (if the report is for the day shown). */
  onFiled(payload: EventPayloads["report.filed"]): void {
    if (!this.#data) return;
    const next = afterFiled(this.#data, payload);
    if (next === this.#data) return;
    this.#data = next;
    this.render();
  }

  /** The deadline passed for a grid: reload, since the event carries no name or leader. */
  onMissing(): void {
    void this.load();
  }

  render(): void {
    const t = this.t();
    const title = h("h3", { text: t("command.reports.title") });
    if (this.#error !== null) {
      this.element.replaceChildren(
        title,
        h("p", {
          className: "error-text",
          text: `${t("command.reports.loadFailed")} ${errorMessage(this.#error, t)}`,
        }),
      );
      return;
    }
    const data = this.#data;
    if (!data) {
      this.element.replaceChildren(title, h("p", { className: "muted", text: t("map.loading") }));
      return;
    }
    const english = this.language() === "en";
    this.element.replaceChildren(
      title,
      h("p", {
        attrs: { "data-testid": "reports-summary" },
        text: t("command.reports.summary", { filed: data.filed, expected: data.expected, date: data.date }),
      }),
      ...(data.deadlinePassed
        ? [h("p", { className: "warning-text", text: t("command.reports.deadlinePassed") })]
        : []),
      data.missing.length === 0
        ? h("p", { className: "muted", text: t("command.reports.allFiled") })
        : h(
            "ul",
            { className: "missing-list", attrs: { "data-testid": "missing-list" } },
            ...data.missing.slice(0, SHOWN).map((m) =>
              h("li", {
                attrs: { "data-cell": m.cellCode },
                text: `${english ? (m.nameEn ?? m.name) : m.name}${m.leader ? ` · ${m.leader.displayName}` : ""}`,
              }),
            ),
            data.missing.length > SHOWN
              ? h("li", {
                  className: "muted",
                  text: t("command.reports.more", { count: data.missing.length - SHOWN }),
                })
              : null,
          ),
    );
  }

  /** Whether a cell is in the missing list now (for tests). */
  isMissing(cellCode: string): boolean {
    return this.#data?.missing.some((m) => m.cellCode === cellCode) ?? false;
  }
}
