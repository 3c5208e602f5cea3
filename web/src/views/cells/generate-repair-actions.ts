import { fill, h } from "../../ui/dom.js";
import { field, relabelSelect, select } from "../../ui/form.js";
import { GENERATE_SHAPES, type GenerateShape } from "./cell-admin-schemas.js";
import {
  actionButton,
  type CellAction,
  type CellsHost,
  type CellsTranslate,
  formatArea,
  type StatusMessage,
  statusLine,
} from "./cells-host.js";
import { type GenerateForm, generateRequest } from "./generate-rules.js";

/**
 * Generate: fill an empty cell with square, hexagonal or H3 children. Preview runs the whole
 * generation and rolls back (cells and report on the map); Create commits the same settings.
 */
export function createGenerateAction(host: CellsHost, code: string): CellAction {
  const element = h("div", { className: "cell-action", attrs: { "data-testid": "generate-action" } });
  const shapeChoices = (t: CellsTranslate) =>
    GENERATE_SHAPES.map((s) => ({ value: s, label: t(`cells.generate.shape.${s}`) }));
  const shape = select("generate-shape", shapeChoices(host.t()), "square");
  const size = h("input", {
    attrs: { type: "number", min: "10", max: "20000", step: "any", "data-testid": "generate-size" },
  });
  size.value = "200";
  const resolution = h("input", {
    attrs: { type: "number", min: "0", max: "15", step: "1", "data-testid": "generate-resolution" },
  });
  resolution.value = "10";
  const prefix = h("input", { attrs: { type: "text", maxlength: "200", "data-testid": "generate-prefix" } });
  let previewed: { key: string; count: number } | null = null;
  let busy = false;
  let problem: StatusMessage | null = null;

  const form = (): GenerateForm => ({
    shape: shape.value as GenerateShape,
    size: size.value,
    resolution: resolution.value,
    namePrefix: prefix.value,
  });
  const key = () => JSON.stringify(form());
  for (const input of [shape, size, resolution, prefix]) input.addEventListener("input", () => render());

  async function run(commit: boolean) {
    const t = host.t();
    const request = generateRequest(form(), commit);
    if (!request.ok) {
      problem = { text: t(`cells.generate.bad.${request.problem}`), kind: "error" };
      return render();
    }
    busy = true;
    problem = null;
    host.report({ text: t(commit ? "cells.saving" : "cells.previewing"), kind: "info" }, []);
    render();
    try {
      const result = await host.api.generate(code, request.body);
      if (commit) {
        await host.saved(t("cells.generate.done", { count: result.count }), result.report.problems, code);
        return;
      }
      previewed = { key: key(), count: result.count };
      host.preview(
        result.cells.features.map((c) => ({
          geometry: c.geometry,
          role: "result",
          label: c.properties.code,
        })),
        true,
      );
      host.report(
        {
          text: t("cells.generate.previewed", { count: result.count, warnings: result.report.warnings }),
          kind: "info",
        },
        result.report.problems,
      );
    } catch (error) {
      previewed = null;
      host.preview([]);
      host.fail(error);
    }
    busy = false;
    render();
  }

  function render() {
    const t = host.t();
    relabelSelect(shape, shapeChoices(t));
    const h3 = shape.value === "h3";
    const ready = previewed !== null && previewed.key === key();
    fill(
      element,
      h("h3", { text: t("cells.generate.title") }),
      h("p", { className: "muted", text: t("cells.generate.hint") }),
      field(t("cells.generate.shape"), shape),
      h3 ? field(t("cells.generate.resolution"), resolution) : field(t("cells.generate.size"), size),
      field(t("cells.generate.prefix"), prefix, t("cells.generate.prefixHint")),
      statusLine(problem, "generate-problem"),
      h(
        "div",
        { className: "button-row" },
        actionButton(t("cells.preview"), "generate-preview", () => void run(false), {
          kind: ready ? "secondary" : "primary",
          disabled: busy,
        }),
        ready && previewed
          ? actionButton(
              t("cells.generate.apply", { count: previewed.count }),
              "generate-apply",
              () => void run(true),
              {
                kind: "primary",
                disabled: busy,
              },
            )
          : null,
        actionButton(t("cells.cancel"), "cancel-action", () => host.done(), { disabled: busy }),
      ),
    );
  }

  render();
  return { element, render, stop() {} };
}

/**
 * Repair: make the stored shape valid, snap its corners to the neighbours' within a
 * tolerance, and/or trim what still overlaps them. Preview shows the repaired shape, the area
 * moved and the report; Apply writes it as a new version.
 */
export function createRepairAction(host: CellsHost, code: string): CellAction {
  const element = h("div", { className: "cell-action", attrs: { "data-testid": "repair-action" } });
  const makeValid = h("input", { attrs: { type: "checkbox", "data-testid": "repair-make-valid" } });
  makeValid.checked = true;
  const trim = h("input", { attrs: { type: "checkbox", "data-testid": "repair-trim" } });
  const snap = h("input", {
    attrs: { type: "number", min: "0", max: "50", step: "any", "data-testid": "repair-snap" },
  });
  let previewed: { key: string; ok: boolean } | null = null;
  let busy = false;
  let problem: StatusMessage | null = null;

  const body = (apply: boolean) => {
    const tolerance = Number(snap.value);
    return {
      make_valid: makeValid.checked,
      trim_overlaps: trim.checked,
      ...(snap.value.trim() !== "" && tolerance > 0 ? { snap_tolerance_m: Math.min(50, tolerance) } : {}),
      apply,
    };
  };
  const key = () => JSON.stringify(body(false));
  for (const input of [makeValid, trim, snap]) input.addEventListener("input", () => render());

  async function run(apply: boolean) {
    const t = host.t();
    const request = body(apply);
    if (!request.make_valid && !request.trim_overlaps && request.snap_tolerance_m === undefined) {
      problem = { text: t("cells.error.nothing_to_repair"), kind: "error" };
      return render();
    }
    busy = true;
    problem = null;
    host.report({ text: t(apply ? "cells.saving" : "cells.previewing"), kind: "info" }, []);
    render();
    try {
      const result = await host.api.repair(code, request);
      const language = host.ctx.languages.language;
      const moved = formatArea(result.moved_area_m2, t, language);
      if (apply) {
        await host.saved(t("cells.repair.done", { moved }), result.report.problems, code);
        return;
      }
      previewed = { key: key(), ok: result.report.ok };
      host.preview([{ geometry: result.after.geometry, role: "result", label: code }], true);
      host.report(
        {
          text: t("cells.repair.previewed", {
            moved,
            before: formatArea(result.before.area_m2, t, language),
            after: formatArea(result.after.area_m2, t, language),
            errors: result.report.errors,
            warnings: result.report.warnings,
          }),
          kind: result.report.ok ? "info" : "error",
        },
        result.report.problems,
      );
    } catch (error) {
      previewed = null;
      host.preview([]);
      host.fail(error);
    }
    busy = false;
    render();
  }

  function render() {
    const t = host.t();
    // A preview whose report has errors cannot be applied (the server would refuse it).
    const ready = previewed !== null && previewed.key === key() && previewed.ok;
    fill(
      element,
      h("h3", { text: t("cells.repair.title") }),
      h("label", { className: "checkbox" }, makeValid, h("span", { text: t("cells.repair.makeValid") })),
      h("label", { className: "checkbox" }, trim, h("span", { text: t("cells.repair.trim") })),
      field(t("cells.repair.snap"), snap, t("cells.repair.snapHint")),
      statusLine(problem, "repair-problem"),
      h(
        "div",
        { className: "button-row" },
        actionButton(t("cells.preview"), "repair-preview", () => void run(false), {
          kind: ready ? "secondary" : "primary",
          disabled: busy,
        }),
        ready
          ? actionButton(t("cells.repair.apply"), "repair-apply", () => void run(true), {
              kind: "primary",
              disabled: busy,
            })
          : null,
        actionButton(t("cells.cancel"), "cancel-action", () => host.done(), { disabled: busy }),
      ),
    );
  }

  render();
  return { element, render, stop() {} };
}
