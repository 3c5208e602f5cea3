import { fill, h } from "../../ui/dom.js";
import { field, relabelSelect, select } from "../../ui/form.js";
import {
  type CellImport,
  CRS_IDS,
  type CrsId,
  EXPORT_FORMATS,
  type ExportFormat,
  type ImportReport,
  type ImportRowProblem,
} from "./cell-admin-schemas.js";
import {
  actionButton,
  type CellPanel,
  type CellsHost,
  type CellsKey,
  type CellsTranslate,
  cellsErrorMessage,
  type StatusMessage,
  statusLine,
} from "./cells-host.js";
import { type ImportStep, importStep, pollDelayMs, progressPercent, shortList } from "./import-rules.js";

const CRS_LABEL: Record<CrsId, CellsKey> = {
  "EPSG:4326": "cells.crs.wgs84",
  "EPSG:4490": "cells.crs.cgcs2000",
  "EPSG:3857": "cells.crs.webMercator",
  "GCJ-02": "cells.crs.gcj02",
  "BD-09": "cells.crs.bd09",
};
const FORMAT_LABEL: Record<ExportFormat, CellsKey> = {
  geojson: "cells.format.geojson",
  shapefile: "cells.format.shapefile",
  geopackage: "cells.format.geopackage",
};
const KNOWN_IMPORT_ERRORS = new Set([
  "duplicate_code",
  "code_outside_root",
  "code_retired",
  "parent_missing",
  "invalid_geometry",
  "invalid_geometry_type",
  "invalid_coordinates",
  "crs_mismatch",
  "unsupported_crs",
  "shapefile_missing_prj",
  "shapefile_incomplete",
  "geopackage_unreadable",
  "geopackage_invalid",
  "zip_bomb",
  "file_too_large",
  "code_format",
  "code_level_mismatch",
  "code_outside_parent_prefix",
  "code_parent_mismatch",
  "code_segment_zero",
]);

/** Our text for an import error code when we have one, else the server's message. */
function importErrorText(code: string, serverMessage: string, t: CellsTranslate): string {
  return KNOWN_IMPORT_ERRORS.has(code) ? t(`cells.importError.${code}` as CellsKey) : serverMessage;
}

/**
 * Export the cell and everything below it (GeoJSON, zipped Shapefile, GeoPackage, in a chosen
 * CRS), and import a file under it: upload → the server's dry run with progress → the report
 * (adds, changes, retirements, problems per feature and in the topology, drawn on the map) →
 * apply. Nothing is written before Apply.
 */
export function createFilesPanel(host: CellsHost, code: string): CellPanel {
  const element = h("section", { className: "cell-panel", attrs: { "data-testid": "files-panel" } });
  const formatChoices = (t: CellsTranslate) =>
    EXPORT_FORMATS.map((f) => ({ value: f, label: t(FORMAT_LABEL[f]) }));
  const crsChoices = (t: CellsTranslate) => CRS_IDS.map((c) => ({ value: c, label: t(CRS_LABEL[c]) }));
  const t0 = host.t();
  const exportFormat = select("export-format", formatChoices(t0), "geojson");
  const exportCrs = select("export-crs", crsChoices(t0), "EPSG:4326");
  const download = h("a", {
    className: "secondary button-link",
    attrs: { "data-testid": "export-download", download: "" },
  });
  const file = h("input", {
    attrs: { type: "file", accept: ".geojson,.json,.zip,.gpkg", "data-testid": "import-file" },
  });
  const importCrs = select(
    "import-crs",
    [{ value: "", label: t0("cells.import.crsFromFile") }, ...crsChoices(t0)],
    "",
  );
  let job: CellImport | null = null;
  let message: StatusMessage | null = null;
  let busy = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let destroyed = false;

  for (const input of [exportFormat, exportCrs]) input.addEventListener("change", () => render());

  function showReport(report: ImportReport | null) {
    host.report(null, report?.topology?.problems ?? []);
  }

  async function poll(id: number, attempt: number) {
    timer = undefined;
    try {
      job = await host.api.importStatus(id);
    } catch (error) {
      message = { text: cellsErrorMessage(error, host.t()), kind: "error" };
      busy = false;
      if (!destroyed) render();
      return;
    }
    if (destroyed) return;
    if (importStep(job.status) === "poll")
      timer = setTimeout(() => void poll(id, attempt + 1), pollDelayMs(attempt));
    else {
      busy = false;
      showReport(job.report);
    }
    render();
  }

  async function upload() {
    const t = host.t();
    const chosen = file.files?.[0];
    if (!chosen) {
      message = { text: t("cells.import.chooseFile"), kind: "error" };
      return render();
    }
    busy = true;
    job = null;
    message = null;
    showReport(null);
    render();
    try {
      const started = await host.api.startImport(
        code,
        chosen,
        chosen.name,
        (importCrs.value || null) as CrsId | null,
      );
      void poll(started.id, 0);
    } catch (error) {
      busy = false;
      message = { text: cellsErrorMessage(error, t), kind: "error" };
      render();
    }
  }

  async function apply() {
    const t = host.t();
    if (!job) return;
    busy = true;
    message = null;
    render();
    try {
      const report = await host.api.applyImport(job.id);
      job = { ...job, status: "applied", report };
      message = {
        text: t("cells.import.applied", {
          add: report.add.length,
          change: report.change.length,
          retire: report.retire.length,
        }),
        kind: "info",
      };
      showReport(report);
      await host.reload();
    } catch (error) {
      message = { text: cellsErrorMessage(error, t), kind: "error" };
    }
    busy = false;
    if (!destroyed) render();
  }

  function stepText(step: ImportStep, current: CellImport, t: CellsTranslate): string {
    if (step === "poll") {
      const percent = progressPercent(current.progress);
      return current.status === "checking"
        ? t("cells.import.checking")
        : percent === null
          ? t("cells.import.reading")
          : t("cells.import.readingPercent", { percent });
    }
    if (step === "review")
      return current.report?.ok
        ? t("cells.import.ready", { features: current.report.features })
        : t("cells.import.rejected");
    if (step === "rejected") return t("cells.import.rejected");
    if (step === "applied") return t("cells.import.done");
    return t("cells.import.failed");
  }

  function codeLine(label: string, codes: readonly string[], testId: string, className = "muted") {
    if (codes.length === 0) return null;
    const { shown, more } = shortList(codes);
    const t = host.t();
    return h("p", {
      className,
      attrs: { "data-testid": testId },
      text: `${label}: ${shown.join(", ")}${more > 0 ? ` ${t("cells.import.more", { count: more })}` : ""}`,
    });
  }

  function rowLine(problem: ImportRowProblem, t: CellsTranslate) {
    return h("li", {
      className: "error",
      text: t("cells.import.row", {
        row: problem.row,
        code: problem.code || "—",
        message: importErrorText(problem.error, problem.message, t),
      }),
    });
  }

  function renderJob(current: CellImport): HTMLElement {
    const t = host.t();
    const step = importStep(current.status);
    const report = current.report;
    return h(
      "div",
      { className: "import-job", attrs: { "data-testid": "import-status", "data-status": current.status } },
      h("p", {
        className: step === "rejected" || step === "failed" ? "error-text" : "muted",
        text: `${current.file_name}: ${stepText(step, current, t)}`,
      }),
      current.error
        ? h("p", {
            className: "error-text",
            attrs: { "data-testid": "import-error" },
            text: importErrorText(current.error.code, current.error.message, t),
          })
        : null,
      report
        ? h("p", {
            attrs: { "data-testid": "import-counts" },
            text: t("cells.import.counts", {
              features: report.features,
              add: report.add.length,
              change: report.change.length,
              retire: report.retire.length,
              unchanged: report.unchanged,
            }),
          })
        : null,
      report ? codeLine(t("cells.import.toAdd"), report.add, "import-add") : null,
      report ? codeLine(t("cells.import.toChange"), report.change, "import-change") : null,
      report ? codeLine(t("cells.import.toRetire"), report.retire, "import-retire", "warning-text") : null,
      report && report.rows.length > 0
        ? h(
            "ul",
            { className: "problem-list", attrs: { "data-testid": "import-rows" } },
            ...report.rows.map((r) => rowLine(r, t)),
          )
        : null,
      report?.topology && report.topology.problems.length > 0
        ? h("p", {
            className: report.topology.ok ? "muted" : "error-text",
            text: t("cells.checkResult", {
              errors: report.topology.errors,
              warnings: report.topology.warnings,
            }),
          })
        : null,
      step === "review" && report?.ok && host.canEdit
        ? h(
            "div",
            { className: "button-row" },
            actionButton(t("cells.import.apply"), "import-apply", () => void apply(), {
              kind: "primary",
              disabled: busy,
            }),
          )
        : null,
    );
  }

  function render() {
    const t = host.t();
    relabelSelect(exportFormat, formatChoices(t));
    relabelSelect(exportCrs, crsChoices(t));
    relabelSelect(importCrs, [{ value: "", label: t("cells.import.crsFromFile") }, ...crsChoices(t)]);
    download.href = host.api.exportUrl(code, exportFormat.value as ExportFormat, exportCrs.value as CrsId);
    download.textContent = t("cells.export.download");
    fill(
      element,
      h("h3", { text: t("cells.export.title") }),
      h("p", { className: "muted", text: t("cells.export.hint", { code }) }),
      h(
        "div",
        { className: "files-row" },
        field(t("cells.export.format"), exportFormat),
        field(t("cells.export.crs"), exportCrs),
      ),
      h("div", { className: "button-row" }, download),
      host.canEdit ? h("h3", { text: t("cells.import.title") }) : null,
      host.canEdit ? h("p", { className: "muted", text: t("cells.import.hint", { code }) }) : null,
      host.canEdit ? field(t("cells.import.file"), file) : null,
      host.canEdit ? field(t("cells.import.crs"), importCrs, t("cells.import.crsHint")) : null,
      host.canEdit
        ? h(
            "div",
            { className: "button-row" },
            actionButton(t("cells.import.upload"), "import-upload", () => void upload(), {
              kind: "primary",
              disabled: busy,
            }),
          )
        : null,
      statusLine(message, "import-message"),
      job ? renderJob(job) : null,
    );
  }

  render();
  return {
    element,
    render,
    destroy() {
      destroyed = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
