import type { CheckpointCollection } from "../../api/gridops-api.js";
import type { PlateRead, PlateSearch, SearchPurpose } from "../../api/plates-api.js";
import { button } from "../../ui/actions.js";
import { h } from "../../ui/dom.js";
import {
  type Choice,
  checkboxLabel,
  field,
  filterBar,
  filteredLayout,
  formError,
  relabelSelect,
  select,
  textInput,
} from "../../ui/form.js";
import { formatDateTime, isoToLocalInput, localInputToIso } from "../../ui/format.js";
import { type Loadable, loader } from "../../ui/loadable.js";
import { renderTable } from "../../ui/table.js";
import { colourLabel } from "./plate-labels.js";
import type { PlatesContext, PlatesPanel, PlatesTranslate } from "./plates-context.js";
import { OTHER_PURPOSE, searchRequest } from "./search-request.js";

const PAGE_SIZE = 50;

interface Results {
  request: PlateSearch;
  reads: PlateRead[];
  nextCursor: string | null;
}

/** Saves text as a file through a temporary object URL (the export is a POST, not a link). */
function download(text: string, filename: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const link = h("a", { attrs: { href: url, download: filename } });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Plate search: purpose and case reference are mandatory fields of the form, results page by
 * cursor, and the same question exports to CSV (plates:export). Both are audited by the server.
 */
export function createSearchPanel(
  ctx: PlatesContext,
  loadCheckpoints: () => Promise<CheckpointCollection>,
): PlatesPanel {
  const element = h("section", { attrs: { "data-testid": "search-panel" } });
  const layout = filteredLayout(element);
  const now = new Date();
  const inputs = {
    purpose: select("purpose", []),
    purposeText: textInput("purposeText"),
    caseReference: textInput("caseReference", { autocomplete: "off" }),
    plate: textInput("plate", { autocomplete: "off" }),
    partial: h("input", { attrs: { type: "checkbox", "data-testid": "input-partial" } }),
    checkpoint: select("checkpoint", []),
    from: textInput("from", {
      type: "datetime-local",
      value: isoToLocalInput(new Date(now.getTime() - 86_400_000)),
    }),
    to: textInput("to", { type: "datetime-local", value: isoToLocalInput(new Date(now.getTime() + 60_000)) }),
  };
  inputs.purpose.addEventListener("change", () => render());
  let options: Loadable<{ purposes: SearchPurpose[]; checkpoints: Choice[] }> = { state: "loading" };
  let results: Loadable<Results> | null = null;
  let formProblem: string | null = null;
  let exporting = false;
  let lastRequest: PlateSearch | null = null;

  const loadOptions = loader(
    async () => {
      const [purposes, checkpoints] = await Promise.all([ctx.api.searchPurposes(), loadCheckpoints()]);
      return {
        purposes,
        checkpoints: checkpoints.features.map((f) => ({
          value: String(f.properties.id),
          label: f.properties.name,
        })),
      };
    },
    (value) => {
      options = value;
      render();
    },
  );

  const readRequest = (): PlateSearch | null => {
    const outcome = searchRequest({
      purpose: inputs.purpose.value,
      purposeText: inputs.purposeText.value,
      caseReference: inputs.caseReference.value,
      plate: inputs.plate.value,
      partial: inputs.partial.checked,
      checkpointId: inputs.checkpoint.value,
      from: localInputToIso(inputs.from.value),
      to: localInputToIso(inputs.to.value),
    });
    if (typeof outcome === "string") {
      formProblem = ctx.t()(outcome);
      render();
      return null;
    }
    formProblem = null;
    return outcome;
  };

  async function search(event: SubmitEvent) {
    event.preventDefault();
    const request = readRequest();
    if (request) await runSearch(request);
  }

  async function runSearch(request: PlateSearch) {
    lastRequest = request;
    results = { state: "loading" };
    render();
    try {
      const page = await ctx.api.search(request, null, PAGE_SIZE);
      results = { state: "ready", data: { request, reads: page.reads, nextCursor: page.nextCursor } };
    } catch (error) {
      results = { state: "error", error };
    }
    render();
  }

  async function more() {
    if (results?.state !== "ready" || results.data.nextCursor === null) return;
    const current = results.data;
    try {
      const page = await ctx.api.search(current.request, current.nextCursor, PAGE_SIZE);
      results = {
        state: "ready",
        data: {
          request: current.request,
          reads: [...current.reads, ...page.reads],
          nextCursor: page.nextCursor,
        },
      };
    } catch (error) {
      formProblem = ctx.describeError(error);
    }
    render();
  }

  async function exportCsv() {
    const request = readRequest();
    if (!request || exporting) return;
    exporting = true;
    render();
    try {
      download(await ctx.api.exportCsv(request), `plate-reads-${new Date().toISOString().slice(0, 10)}.csv`);
    } catch (error) {
      formProblem = ctx.describeError(error);
    } finally {
      exporting = false;
      render();
    }
  }

  function renderForm(purposes: SearchPurpose[], checkpoints: Choice[], t: PlatesTranslate) {
    const language = ctx.language();
    relabelSelect(inputs.purpose, [
      { value: "", label: t("plates.search.choosePurpose") },
      ...purposes.map((p) => ({ value: p.code, label: language === "en" ? p.name_en : p.name })),
      { value: OTHER_PURPOSE, label: t("plates.search.otherPurpose") },
    ]);
    relabelSelect(inputs.checkpoint, [
      { value: "", label: t("plates.search.anyCheckpoint") },
      ...checkpoints,
    ]);
    return filterBar({
      testId: "search-form",
      novalidate: true,
      onSubmit: search,
      fields: [
        field(t("plates.search.purpose"), inputs.purpose),
        inputs.purpose.value === OTHER_PURPOSE
          ? field(t("plates.search.purposeText"), inputs.purposeText)
          : "",
        field(t("plates.search.case"), inputs.caseReference),
        field(t("plates.search.plate"), inputs.plate, t("plates.search.plateHint")),
        checkboxLabel(inputs.partial, t("plates.search.partial")),
        field(t("plates.search.checkpoint"), inputs.checkpoint),
        field(t("plates.search.from"), inputs.from),
        field(t("plates.search.to"), inputs.to),
      ],
      apply: { text: t("plates.search.submit"), testId: "search-submit" },
      extraActions: [
        ctx.can("plates:export")
          ? button({
              text: exporting ? t("plates.search.exporting") : t("plates.search.export"),
              testId: "search-export",
              disabled: exporting,
              onClick: () => void exportCsv(),
            })
          : "",
      ],
    });
  }

  function renderResults(data: Results, t: PlatesTranslate) {
    const language = ctx.language();
    return h(
      "div",
      {},
      h("p", {
        className: "field-hint",
        text: `${t("plates.search.results", { count: data.reads.length })} · ${t("plates.search.recorded")}`,
        attrs: { "data-testid": "search-count" },
      }),
      renderTable<PlateRead>(
        [
          { header: t("plates.search.time"), cell: (r) => formatDateTime(r.capturedAt, language) },
          { header: t("plates.search.plate"), cell: (r) => r.plate },
          { header: t("plates.search.colour"), cell: (r) => colourLabel(r.plateColour, t) },
          { header: t("plates.search.checkpoint"), cell: (r) => r.checkpointId ?? t("plates.none") },
          { header: t("plates.search.camera"), cell: (r) => r.cameraId },
          {
            header: t("plates.search.lane"),
            cell: (r) => (r.lane === null ? t("plates.none") : String(r.lane)),
          },
          { header: t("plates.search.direction"), cell: (r) => r.direction ?? t("plates.none") },
          {
            header: t("plates.search.vehicle"),
            cell: (r) => [r.vehicleColour, r.vehicleType].filter((s) => s).join(" ") || t("plates.none"),
          },
          {
            header: t("plates.search.confidence"),
            cell: (r) => (r.confidence === null ? t("plates.none") : `${Math.round(r.confidence * 100)} %`),
          },
          { header: t("plates.search.flags"), cell: (r) => r.flags.join(", ") },
        ],
        data.reads,
        { empty: t("plates.search.empty"), testId: "search-results", rowId: (r) => String(r.id) },
      ),
      data.nextCursor === null
        ? ""
        : button({ text: t("plates.more"), testId: "search-more", onClick: () => void more() }),
    );
  }

  function render() {
    const t = ctx.t();
    const otherPurpose = inputs.purpose.value === OTHER_PURPOSE;
    layout.showBar(`${ctx.language()}|${options.state}|${otherPurpose}|${exporting}`, () => [
      h("p", { className: "panel-intro", text: t("plates.sensitive") }),
      ctx.renderLoadable(
        options,
        () => void loadOptions(),
        ({ purposes, checkpoints }) => renderForm(purposes, checkpoints, t),
      ),
    ]);
    layout.showBody(
      formError(formProblem),
      results
        ? ctx.renderLoadable(
            results,
            () => lastRequest && void runSearch(lastRequest),
            (data) => renderResults(data, t),
          )
        : "",
    );
  }

  void loadOptions();
  return { element, render };
}
