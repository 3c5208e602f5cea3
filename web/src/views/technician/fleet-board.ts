import type { CellCollection } from "../../api/gridops-api.js";
import type { FleetCamera, FleetFilter, FleetPage } from "../../api/technician-api.js";
import { CAMERA_STATUSES } from "../../layers/palette.js";
import { button, pager } from "../../ui/actions.js";
import { h } from "../../ui/dom.js";
import { field, filterBar, filteredLayout, textInput } from "../../ui/form.js";
import { formatDateTime, localInputToIso } from "../../ui/format.js";
import { type Loadable, loader } from "../../ui/loadable.js";
import { renderTable } from "../../ui/table.js";
import { applyStatusChange, type StatusChange } from "./fleet-live.js";
import type { FleetMap } from "./fleet-map.js";
import { stateBadge } from "./health-timeline.js";
import type { TechContext, TechTranslate } from "./technician-context.js";

const PAGE_SIZE = 50;

export interface FleetBoard {
  element: HTMLElement;
  render(): void;
  applyStatus(change: StatusChange): void;
  reload(): void;
}

/** The technician board: counts per state, filters, the fleet table (paged) and the health map. */
export function createFleetBoard(
  ctx: TechContext,
  map: FleetMap,
  openCamera: (id: string) => void,
  loadCells: () => Promise<CellCollection>,
): FleetBoard {
  // The cell filter takes a code (this cell and everything below it); the list suggests the caller's cells.
  const cellOptions = h("datalist", { attrs: { id: "fleet-cell-options" } });
  void loadCells()
    .then((cells) =>
      cellOptions.replaceChildren(
        ...cells.features.map((f) =>
          h("option", { attrs: { value: f.properties.code, label: f.properties.name } }),
        ),
      ),
    )
    .catch((error: unknown) => console.warn("cell suggestions not loaded", error));
  const inputs = {
    q: textInput("fleetSearch", { type: "search" }),
    vendor: textInput("fleetVendor"),
    model: textInput("fleetModel"),
    firmware: textInput("fleetFirmware"),
    cell: textInput("fleetCell", { list: "fleet-cell-options", autocomplete: "off" }),
    since: textInput("fleetSince", { type: "datetime-local" }),
  };
  const states = new Set<string>();
  let offset = 0;
  let filter: FleetFilter = {};
  let data: Loadable<FleetPage> = { state: "loading" };
  const listSlot = h("div", { className: "fleet-list" });
  const element = h(
    "section",
    { attrs: { "data-testid": "fleet-board" } },
    h("div", { className: "split" }, listSlot, h("div", {}, map.element)),
    cellOptions,
  );
  // Live status changes redraw the list many times a minute; the filters being typed in stay.
  const layout = filteredLayout(listSlot);

  const load = loader(
    () => ctx.api.fleet({ ...filter, states: [...states] }, PAGE_SIZE, offset),
    (value) => {
      data = value;
      render();
    },
  );

  const readFilter = (): FleetFilter => ({
    q: inputs.q.value,
    vendor: inputs.vendor.value,
    model: inputs.model.value,
    firmware: inputs.firmware.value,
    cell: inputs.cell.value,
    since: localInputToIso(inputs.since.value) ?? undefined,
  });

  const apply = (event?: Event) => {
    event?.preventDefault();
    filter = readFilter();
    offset = 0;
    void load();
  };

  const toggleState = (state: string | null) => {
    if (state === null) states.clear();
    else if (states.has(state)) states.delete(state);
    else states.add(state);
    offset = 0;
    void load();
  };

  function renderCounts(page: FleetPage, t: TechTranslate) {
    const total = Object.values(page.counts).reduce((sum, n) => sum + n, 0);
    return h(
      "div",
      { className: "count-chips", attrs: { "data-testid": "fleet-counts" } },
      button({
        className: states.size === 0 ? "count-chip active" : "count-chip",
        text: t("tech.counts.all", { count: total }),
        testId: "count-all",
        onClick: () => toggleState(null),
      }),
      ...CAMERA_STATUSES.map((state) =>
        button(
          {
            className: states.has(state) ? "count-chip active" : "count-chip",
            text: "",
            testId: `count-${state}`,
            attrs: { "data-count": String(page.counts[state] ?? 0) },
            onClick: () => toggleState(state),
          },
          stateBadge(state, ctx.stateLabel(state)),
          ` ${page.counts[state] ?? 0}`,
        ),
      ),
    );
  }

  function renderFilters(t: TechTranslate) {
    return filterBar({
      testId: "fleet-filters",
      onSubmit: apply,
      fields: [
        field(t("tech.filter.search"), inputs.q),
        field(t("tech.filter.vendor"), inputs.vendor),
        field(t("tech.filter.model"), inputs.model),
        field(t("tech.filter.firmware"), inputs.firmware),
        field(t("tech.filter.cell"), inputs.cell),
        field(t("tech.filter.since"), inputs.since),
      ],
      apply: { text: t("tech.filter.apply"), testId: "fleet-apply" },
      reset: {
        text: t("tech.filter.reset"),
        onReset: () => {
          for (const input of Object.values(inputs)) input.value = "";
          states.clear();
          apply();
        },
      },
    });
  }

  function renderRows(page: FleetPage, t: TechTranslate) {
    const language = ctx.language();
    return renderTable<FleetCamera>(
      [
        {
          header: t("tech.col.camera"),
          cell: (c) =>
            h("a", {
              text: `${c.name} (${c.id})`,
              attrs: {
                href: `#/tech?camera=${encodeURIComponent(c.id)}`,
                "data-testid": `camera-link-${c.id}`,
              },
              on: {
                click: (event) => {
                  event.preventDefault();
                  openCamera(c.id);
                },
              },
            }),
        },
        { header: t("tech.col.state"), cell: (c) => stateBadge(c.state, ctx.stateLabel(c.state)) },
        { header: t("tech.col.since"), cell: (c) => ctx.duration(c.since) },
        {
          header: t("tech.col.reasons"),
          cell: (c) =>
            [...c.reasons.map((r) => ctx.reasonLabel(r)), c.silenced ? t("tech.silenced") : ""]
              .filter((s) => s)
              .join("; "),
        },
        { header: t("tech.col.vendor"), cell: (c) => [c.vendor, c.model].filter((s) => s).join(" / ") },
        { header: t("tech.col.firmware"), cell: (c) => c.firmware ?? t("tech.none") },
        { header: t("tech.col.cell"), cell: (c) => c.cell_code ?? t("tech.none") },
        { header: t("tech.col.lastCheck"), cell: (c) => formatDateTime(c.last_check_at, language) },
        {
          header: t("tech.col.ticket"),
          cell: (c) => (c.open_ticket_id === null ? "" : `#${c.open_ticket_id}`),
        },
      ],
      page.cameras,
      { empty: t("tech.empty"), testId: "fleet-table", rowId: (c) => c.id },
    );
  }

  function renderPager(page: FleetPage, t: TechTranslate) {
    const to = Math.min(page.total, page.offset + page.cameras.length);
    return pager(
      {
        text: t("tech.prev"),
        disabled: offset === 0,
        onClick: () => {
          offset = Math.max(0, offset - PAGE_SIZE);
          void load();
        },
      },
      h("span", {
        text: t("tech.page", { from: page.total === 0 ? 0 : page.offset + 1, to, total: page.total }),
        attrs: { "data-testid": "fleet-page" },
      }),
      {
        text: t("tech.next"),
        testId: "fleet-next",
        disabled: to >= page.total,
        onClick: () => {
          offset += PAGE_SIZE;
          void load();
        },
      },
    );
  }

  function render() {
    const t = ctx.t();
    layout.showBar(ctx.language(), () => renderFilters(t));
    layout.showBody(
      ctx.renderLoadable(
        data,
        () => void load(),
        (page) => h("div", {}, renderCounts(page, t), renderRows(page, t), renderPager(page, t)),
      ),
    );
  }

  void load();
  return {
    element,
    render,
    reload: () => void load(),
    applyStatus(change) {
      map.setStatus(change.cameraId, change.status);
      if (data.state !== "ready") return;
      data = { state: "ready", data: applyStatusChange(data.data, change) };
      render();
    },
  };
}
