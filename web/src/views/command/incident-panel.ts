import type { Incident, IncidentCategory } from "../../api/incident-schemas.js";
import type { IncidentsApi } from "../../api/incidents-api.js";
import type { Language } from "../../i18n/i18n.js";
import { IncidentDetail } from "../../incidents/incident-detail.js";
import type { IncidentFilterState, StatusFilter, TimeFilter } from "../../incidents/incident-filter.js";
import type { IncidentItem } from "../../incidents/incident-item.js";
import { timeLeftText } from "../../incidents/time-left.js";
import { h } from "../../ui/dom.js";
import type { CommandTranslate } from "./command-translate.js";
import { KeyedRows, type RowView } from "./keyed-rows.js";

/** More rows than this make the list slow to scan and to render; the filters narrow it. */
const MAX_ROWS = 200;

export interface IncidentPanelProps {
  api: IncidentsApi;
  t: () => CommandTranslate;
  language: () => Language;
  categories: () => readonly IncidentCategory[];
  filter: () => IncidentFilterState;
  onFilter: (filter: IncidentFilterState) => void;
  onSelect: (id: number | null) => void;
  onIncident: (incident: Incident) => void;
}

const STATUS_OPTIONS: readonly StatusFilter[] = ["open", "overdue", "all"];
const TIME_OPTIONS: readonly TimeFilter[] = ["1h", "24h", "7d", "all"];

/** The incident list beside the map (filters on top), or one incident's detail when selected. */
export class IncidentPanel {
  readonly element = h("aside", { className: "incident-panel", attrs: { "data-testid": "incident-panel" } });
  readonly #filters = h("div", { className: "incident-filters" });
  readonly #body = h("div", { className: "incident-panel-body" });
  readonly extras = h("div", { className: "incident-panel-extras" });
  #items: readonly IncidentItem[] = [];
  #detail: IncidentDetail | null = null;
  #loadingText: string | null = null;
  #failure: { text: string; retry: () => void } | null = null;
  /** The list's elements while the body shows the list; null when something else replaced it. */
  #list: ListParts | null = null;

  constructor(private readonly props: IncidentPanelProps) {
    this.element.append(this.extras, this.#filters, this.#body);
    this.renderFilters();
  }

  get selectedId(): number | null {
    return this.#detail?.id ?? null;
  }

  setLoading(text: string | null): void {
    this.#loadingText = text;
    this.#failure = null;
    this.#renderBody();
  }

  /** The list could not be loaded: say why and offer to try again. */
  setFailed(text: string, retry: () => void): void {
    this.#loadingText = null;
    this.#failure = { text, retry };
    this.#renderBody();
  }

  setItems(items: readonly IncidentItem[]): void {
    this.#items = items;
    if (!this.#detail) this.#renderBody();
  }

  /** Opens an incident's detail (from a list click or a map click). */
  open(id: number): void {
    if (this.#detail?.id === id) return;
    this.#detail = new IncidentDetail({
      api: this.props.api,
      id,
      t: this.props.t,
      language: this.props.language,
      onChanged: this.props.onIncident,
    });
    this.props.onSelect(id);
    this.#renderBody();
  }

  close(): void {
    this.#detail = null;
    this.props.onSelect(null);
    this.#renderBody();
  }

  /** A live update of the open incident: reload its detail so actions and timeline are current. */
  refreshDetail(id: number): void {
    if (this.#detail?.id === id) void this.#detail.load();
  }

  relabel(): void {
    this.#list = null;
    this.renderFilters();
    this.#detail?.render();
    this.#renderBody();
  }

  renderFilters(): void {
    const t = this.props.t();
    const filter = this.props.filter();
    const language = this.props.language();
    const select = (
      label: string,
      testId: string,
      value: string,
      options: readonly (readonly [string, string])[],
      onChange: (value: string) => void,
    ) => {
      const element = h(
        "select",
        { attrs: { "data-testid": testId, "aria-label": label } },
        ...options.map(([optionValue, text]) => {
          const option = h("option", { text, attrs: { value: optionValue } });
          option.selected = optionValue === value;
          return option;
        }),
      );
      element.addEventListener("change", () => onChange(element.value));
      return h("label", { className: "filter" }, h("span", { text: label }), element);
    };
    const topCategories = this.props.categories().filter((c) => c.parentCode === null && c.active);
    this.#filters.replaceChildren(
      select(
        t("command.filter.category"),
        "filter-category",
        filter.category,
        [
          ["", t("command.filter.allCategories")],
          ...topCategories.map((c) => [c.code, language === "en" ? c.nameEn : c.name] as const),
        ],
        (category) => this.props.onFilter({ ...this.props.filter(), category }),
      ),
      select(
        t("command.filter.status"),
        "filter-status",
        filter.status,
        STATUS_OPTIONS.map((s) => [s, t(`command.filter.${s as "open" | "overdue" | "all"}`)] as const),
        (status) => this.props.onFilter({ ...this.props.filter(), status: status as StatusFilter }),
      ),
      select(
        t("command.filter.time"),
        "filter-time",
        filter.time,
        TIME_OPTIONS.map(
          (time) => [time, t(time === "all" ? "command.filter.anyTime" : `command.filter.${time}`)] as const,
        ),
        (time) => this.props.onFilter({ ...this.props.filter(), time: time as TimeFilter }),
      ),
    );
  }

  #renderBody(): void {
    const t = this.props.t();
    if (this.#detail || this.#failure !== null || this.#loadingText !== null) this.#list = null;
    if (this.#detail) {
      this.#body.replaceChildren(
        h("button", {
          className: "link-button",
          text: `← ${t("command.back")}`,
          attrs: { type: "button", "data-testid": "detail-back" },
          on: { click: () => this.close() },
        }),
        this.#detail.element,
      );
      return;
    }
    if (this.#failure !== null) {
      const { text, retry } = this.#failure;
      this.#body.replaceChildren(
        h("p", { className: "error-text", attrs: { role: "alert" }, text }),
        h("button", {
          text: t("map.retry"),
          attrs: { type: "button", "data-testid": "incidents-retry" },
          on: { click: retry },
        }),
      );
      return;
    }
    if (this.#loadingText !== null) {
      this.#body.replaceChildren(
        h("p", { className: "muted", attrs: { role: "status" }, text: this.#loadingText }),
      );
      return;
    }
    this.#renderList(t);
  }

  /**
   * The list, updated in place: only rows that changed are re-created and only misplaced rows
   * move (see KeyedRows). Built afresh after anything else was shown and on a language change.
   */
  #renderList(t: CommandTranslate): void {
    const sorted = newestFirst(this.#items);
    const now = Date.now();
    const views = sorted.slice(0, MAX_ROWS).map(
      (item): RowView => ({
        id: item.id,
        className: `incident-row priority-${item.priority}${item.overdue ? " overdue" : ""}`,
        reference: item.reference,
        title: item.title,
        meta: `${t(`incident.state.${item.state}`)} · ${item.overdue ? t("incident.overdue") : timeLeftText(item.dueAt, now, t)}`,
      }),
    );
    const list = this.#list ?? this.#newList(t);
    this.#list = list;
    setText(list.count, t("command.list.count", { shown: sorted.length }));
    setText(list.more, t("command.list.more", { count: sorted.length - MAX_ROWS }));
    list.rows.update(views);
    const wanted = [list.count, sorted.length === 0 ? list.empty : list.rows.list];
    if (sorted.length > MAX_ROWS) wanted.push(list.more);
    const shown = this.#body.children;
    if (shown.length !== wanted.length || wanted.some((element, i) => shown[i] !== element)) {
      this.#body.replaceChildren(...wanted);
    }
  }

  #newList(t: CommandTranslate): ListParts {
    const list = h("ul", { className: "incident-list", attrs: { "data-testid": "incident-list" } });
    return {
      count: h("div", { className: "muted list-count" }),
      empty: h("p", {
        className: "muted",
        attrs: { "data-testid": "incident-list-empty" },
        text: t("command.list.empty"),
      }),
      more: h("p", { className: "muted" }),
      rows: new KeyedRows(list, (id) => this.open(id)),
    };
  }
}

interface ListParts {
  count: HTMLElement;
  empty: HTMLElement;
  more: HTMLElement;
  rows: KeyedRows;
}

/** Most recently updated first, then newest id; each time parsed once, not per comparison. */
function newestFirst(items: readonly IncidentItem[]): IncidentItem[] {
  return items
    .map((item) => ({ item, at: Date.parse(item.updatedAt) }))
    .sort((a, b) => b.at - a.at || b.item.id - a.item.id)
    .map(({ item }) => item);
}

/** Sets the text only when it differs, so an unchanged line is not restyled. */
function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}
