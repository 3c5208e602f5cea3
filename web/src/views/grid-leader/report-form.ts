import type { CellCollection } from "../../api/gridops-api.js";
import type { IncidentCategory, MissingReports, ReportItemInput } from "../../api/incident-schemas.js";
import type { IncidentsApi } from "../../api/incidents-api.js";
import { labelPoint } from "../../geo/label-point.js";
import type { Language } from "../../i18n/i18n.js";
import { button } from "../../ui/actions.js";
import { h } from "../../ui/dom.js";
import { errorMessage } from "../../ui/error-message.js";
import { checkboxLabel } from "../../ui/form.js";
import type { LeaderTranslate } from "./leader-translate.js";

interface ItemDraft {
  description: string;
  category: string;
  createIncident: boolean;
}

export interface ReportFormProps {
  api: IncidentsApi;
  t: () => LeaderTranslate;
  language: () => Language;
  categories: () => readonly IncidentCategory[];
  /** The leader's cells with geometry, for an item's incident location (the grid's label point). */
  cells: () => Promise<CellCollection>;
}

type Status =
  | { kind: "loading" }
  | { kind: "failed"; error: unknown }
  | { kind: "ready"; missing: MissingReports };

const emptyItem = (): ItemDraft => ({ description: "", category: "", createIncident: false });

/**
 * Today's daily report for the leader's grids: one tap for a zero report ("nothing to
 * report"), or a list of items, each of which may open an incident at the grid.
 */
export class ReportForm {
  readonly element = h("section", { className: "report-form", attrs: { "data-testid": "report-form" } });
  #status: Status = { kind: "loading" };
  #cell = "";
  #items: ItemDraft[] = [emptyItem()];
  #note = "";
  #busy = false;
  #message: string | null = null;

  constructor(private readonly props: ReportFormProps) {
    this.render();
  }

  async load(): Promise<void> {
    try {
      const missing = await this.props.api.missingReports();
      this.#status = { kind: "ready", missing };
      if (!missing.missing.some((m) => m.cellCode === this.#cell))
        this.#cell = missing.missing[0]?.cellCode ?? "";
    } catch (error) {
      this.#status = { kind: "failed", error };
    }
    this.render();
  }

  render(): void {
    const t = this.props.t();
    const status = this.#status;
    if (status.kind === "loading") {
      this.element.replaceChildren(h("p", { className: "muted", text: t("leader.report.loading") }));
      return;
    }
    if (status.kind === "failed") {
      this.element.replaceChildren(
        h("p", { className: "error-text", text: errorMessage(status.error, t) }),
        button({ text: t("map.retry"), onClick: () => void this.load() }),
      );
      return;
    }
    const { missing } = status;
    const due = new Date(missing.deadline).toLocaleTimeString(this.props.language(), { timeStyle: "short" });
    if (missing.expected === 0) {
      this.element.replaceChildren(h("p", { className: "muted", text: t("leader.report.noGrid") }));
      return;
    }
    if (missing.missing.length === 0) {
      this.element.replaceChildren(
        h("p", {
          className: "success-text",
          attrs: { "data-testid": "report-filed" },
          text: t("leader.report.filed", { date: missing.date }),
        }),
      );
      return;
    }
    this.element.replaceChildren(
      h("p", {
        className: missing.deadlinePassed ? "warning-text" : "muted",
        text: t("leader.report.due", { time: due }),
      }),
      this.#cellPicker(missing, t),
      button({
        className: "primary wide",
        text: t("leader.report.nothing"),
        testId: "zero-report",
        disabled: this.#busy,
        onClick: () => void this.#submit(true),
      }),
      h("p", { className: "muted", text: t("leader.report.or") }),
      ...this.#items.map((item, index) => this.#itemEditor(item, index, t)),
      button({
        className: "secondary",
        text: `+ ${t("leader.report.addItem")}`,
        testId: "add-item",
        onClick: () => {
          this.#items.push(emptyItem());
          this.render();
        },
      }),
      this.#noteField(t),
      button({
        className: "primary wide",
        text: this.#busy ? t("leader.report.submitting") : t("leader.report.submit"),
        testId: "submit-report",
        disabled: this.#busy,
        onClick: () => void this.#submit(false),
      }),
      ...(this.#message
        ? [h("p", { className: "error-text", attrs: { role: "alert" }, text: this.#message })]
        : []),
    );
  }

  #cellPicker(missing: MissingReports, t: LeaderTranslate): HTMLElement {
    const english = this.props.language() === "en";
    const select = h(
      "select",
      { attrs: { "data-testid": "report-cell", "aria-label": t("leader.report.cell") } },
      ...missing.missing.map((m) => {
        const option = h("option", {
          text: english ? (m.nameEn ?? m.name) : m.name,
          attrs: { value: m.cellCode },
        });
        option.selected = m.cellCode === this.#cell;
        return option;
      }),
    );
    select.addEventListener("change", () => {
      this.#cell = select.value;
    });
    return h("label", { className: "field" }, h("span", { text: t("leader.report.cell") }), select);
  }

  #itemEditor(item: ItemDraft, index: number, t: LeaderTranslate): HTMLElement {
    const english = this.props.language() === "en";
    const description = h("textarea", {
      attrs: {
        rows: "2",
        "aria-label": t("leader.report.item"),
        placeholder: t("leader.report.item"),
        "data-testid": `item-${index}`,
      },
    });
    description.value = item.description;
    description.addEventListener("input", () => {
      item.description = description.value;
    });
    const category = h(
      "select",
      { attrs: { "aria-label": t("leader.report.itemCategory") } },
      h("option", { text: t("leader.report.noCategory"), attrs: { value: "" } }),
      ...this.props
        .categories()
        .filter((c) => c.active)
        .map((c) => {
          const option = h("option", { text: english ? c.nameEn : c.name, attrs: { value: c.code } });
          option.selected = c.code === item.category;
          return option;
        }),
    );
    category.addEventListener("change", () => {
      item.category = category.value;
    });
    const open = h("input", { attrs: { type: "checkbox" } });
    open.checked = item.createIncident;
    open.addEventListener("change", () => {
      item.createIncident = open.checked;
    });
    return h(
      "div",
      { className: "report-item" },
      description,
      category,
      checkboxLabel(open, t("leader.report.openIncident")),
      this.#items.length > 1
        ? button({
            className: "link-button",
            text: t("leader.report.removeItem"),
            onClick: () => {
              this.#items.splice(index, 1);
              this.render();
            },
          })
        : null,
    );
  }

  #noteField(t: LeaderTranslate): HTMLElement {
    const note = h("input", {
      attrs: { type: "text", "aria-label": t("leader.report.note"), placeholder: t("leader.report.note") },
    });
    note.value = this.#note;
    note.addEventListener("input", () => {
      this.#note = note.value;
    });
    return note;
  }

  async #submit(nothingToReport: boolean): Promise<void> {
    const t = this.props.t();
    const filled = this.#items.filter((item) => item.description.trim() !== "");
    if (!nothingToReport && filled.length === 0) return this.#fail(t("leader.report.needItem"));
    if (filled.some((item) => item.createIncident && item.category === "")) {
      return this.#fail(t("leader.report.needCategory"));
    }
    this.#busy = true;
    this.#message = null;
    this.render();
    try {
      const items = nothingToReport ? [] : await this.#itemsToSend(filled);
      await this.props.api.fileReport({
        cellCode: this.#cell,
        nothingToReport,
        ...(this.#note.trim() ? { note: this.#note.trim() } : {}),
        items,
      });
      this.#items = [emptyItem()];
      this.#note = "";
      this.#busy = false;
      await this.load();
    } catch (error) {
      this.#busy = false;
      this.#fail(t("leader.report.failed", { message: errorMessage(error, t) }));
    }
  }

  async #itemsToSend(items: readonly ItemDraft[]): Promise<ReportItemInput[]> {
    const needsPlace = items.some((item) => item.createIncident);
    const cell = needsPlace
      ? (await this.props.cells()).features.find((f) => f.properties.code === this.#cell)
      : undefined;
    const point = cell ? labelPoint(cell.geometry) : null;
    return items.map((item) => ({
      description: item.description.trim(),
      ...(item.category ? { category: item.category } : {}),
      ...(item.createIncident && point ? { location: { lon: point[0] ?? 0, lat: point[1] ?? 0 } } : {}),
      createIncident: item.createIncident && point !== null,
    }));
  }

  #fail(message: string): void {
    this.#message = message;
    this.render();
  }
}
