import { fill, h } from "../../ui/dom.js";
import { field } from "../../ui/form.js";
import { formatDateTime, localInputToIso } from "../../ui/format.js";
import { type Loadable, loader, renderLoadable } from "../../ui/loadable.js";
import { renderTable } from "../../ui/table.js";
import type { CellAt, CellVersion } from "./cell-admin-schemas.js";
import {
  actionButton,
  type CellPanel,
  type CellsHost,
  cellsErrorMessage,
  formatArea,
  loadableLabels,
  type StatusMessage,
  statusLine,
} from "./cells-host.js";

/**
 * A cell's versions, newest first; any version's boundary can be drawn on the map (over the
 * current outline). "As of" asks the server which version was valid at a moment.
 */
export function createHistoryPanel(host: CellsHost, code: string): CellPanel {
  const element = h("section", { className: "cell-panel", attrs: { "data-testid": "history-panel" } });
  const atInput = h("input", { attrs: { type: "datetime-local", "data-testid": "history-at" } });
  let versions: Loadable<CellVersion[]> = { state: "loading" };
  let shown: number | null = null;
  let atResult: CellAt | null = null;
  let atMessage: StatusMessage | null = null;
  let destroyed = false;

  const load = loader(
    () => host.api.history(code),
    (value) => {
      if (destroyed) return;
      versions = value;
      render();
    },
  );

  function show(version: { version: number; geometry: CellVersion["geometry"] }) {
    shown = version.version;
    host.preview([{ geometry: version.geometry, role: "past", label: `${code} v${version.version}` }], true);
    render();
  }

  function hide() {
    shown = null;
    host.preview([]);
    render();
  }

  async function lookUp() {
    const t = host.t();
    const iso = localInputToIso(atInput.value);
    if (!iso) {
      atMessage = { text: t("cells.history.atRequired"), kind: "error" };
      return render();
    }
    atMessage = { text: t("cells.panelLoading"), kind: "info" };
    render();
    try {
      atResult = await host.api.cellAt(code, iso);
      atMessage = null;
      if (!destroyed) show(atResult);
    } catch (error) {
      atResult = null;
      atMessage = { text: cellsErrorMessage(error, t), kind: "error" };
      render();
    }
  }

  function render() {
    const t = host.t();
    const language = host.ctx.languages.language;
    const table = (list: CellVersion[]) =>
      renderTable(
        [
          {
            header: t("cells.history.version"),
            cell: (v) =>
              v.valid_to === null ? `v${v.version} · ${t("cells.history.current")}` : `v${v.version}`,
          },
          {
            header: t("cells.history.valid"),
            cell: (v) =>
              `${formatDateTime(v.valid_from, language)} – ${v.valid_to ? formatDateTime(v.valid_to, language) : t("cells.history.now")}`,
          },
          {
            header: t("cells.history.name"),
            cell: (v) => (language === "en" && v.name_en ? v.name_en : v.name),
          },
          { header: t("cells.history.areaHeader"), cell: (v) => formatArea(v.area_m2, t, language) },
          {
            header: "",
            cell: (v) =>
              shown === v.version
                ? actionButton(t("cells.history.hide"), `history-hide-${v.version}`, hide)
                : actionButton(t("cells.history.show"), `history-show-${v.version}`, () => show(v)),
          },
        ],
        list,
        {
          empty: t("cells.history.empty"),
          testId: "history-table",
          rowId: (v) => String(v.version),
          rowClass: (v) => (shown === v.version ? "row-shown" : ""),
        },
      );
    fill(
      element,
      h("h3", { text: t("cells.history.title") }),
      renderLoadable(versions, loadableLabels(t), () => void load(), table),
      h(
        "div",
        { className: "history-at" },
        field(t("cells.history.at"), atInput),
        actionButton(t("cells.history.lookUp"), "history-look-up", () => void lookUp()),
      ),
      statusLine(atMessage, "history-at-message"),
      atResult
        ? h("p", {
            className: "muted",
            attrs: { "data-testid": "history-at-result" },
            text: t("cells.history.atResult", {
              version: atResult.version,
              from: formatDateTime(atResult.valid_from, language),
              to: atResult.valid_to ? formatDateTime(atResult.valid_to, language) : t("cells.history.now"),
            }),
          })
        : null,
    );
  }

  void load();
  render();
  return {
    element,
    render,
    destroy() {
      destroyed = true;
      if (shown !== null) host.preview([]);
    },
  };
}
