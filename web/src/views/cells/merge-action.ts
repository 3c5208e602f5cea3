import { fill, h } from "../../ui/dom.js";
import type { ShapeEditResult } from "./cell-admin-schemas.js";
import { actionButton, type CellAction, type CellsHost, formatArea } from "./cells-host.js";
import { mergeCandidates } from "./shape-rules.js";

/**
 * Merge: pick touching siblings (in the list or by clicking them on the map), preview the
 * merged cell (dry run, report on the map), then apply. The selected cell keeps its code;
 * the others are retired with it as their successor.
 */
export function createMergeAction(host: CellsHost, code: string): CellAction {
  const element = h("div", { className: "cell-action", attrs: { "data-testid": "merge-action" } });
  const candidates = mergeCandidates(host.cells(), code);
  const chosen = new Set<string>();
  let previewed: { key: string; result: ShapeEditResult } | null = null;
  let busy = false;

  const key = () => [...chosen].sort().join(",");

  const showChosen = () =>
    host.preview(
      candidates
        .filter((c) => chosen.has(c.properties.code))
        .map((c) => ({ geometry: c.geometry, role: "chosen" as const, label: c.properties.code })),
    );

  function toggle(other: string) {
    if (busy || !candidates.some((c) => c.properties.code === other)) return;
    if (chosen.has(other)) chosen.delete(other);
    else chosen.add(other);
    previewed = null;
    host.report(null, []);
    showChosen();
    render();
  }

  async function runPreview() {
    const t = host.t();
    if (chosen.size === 0) return;
    busy = true;
    host.report({ text: t("cells.previewing"), kind: "info" }, []);
    render();
    try {
      const result = await host.api.merge(code, { with: [...chosen].sort(), dry_run: true });
      previewed = { key: key(), result };
      host.preview(
        result.cells.map((c) => ({ geometry: c.geometry, role: "result", label: c.properties.code })),
        true,
      );
      host.report(
        {
          text: t("cells.merge.previewed", {
            retired: result.retired.join(", "),
            warnings: result.report.warnings,
          }),
          kind: "info",
        },
        result.report.problems,
      );
    } catch (error) {
      previewed = null;
      showChosen();
      host.fail(error);
    }
    busy = false;
    render();
  }

  async function apply() {
    const t = host.t();
    if (previewed?.key !== key()) return;
    busy = true;
    host.report({ text: t("cells.saving"), kind: "info" });
    render();
    try {
      const result = await host.api.merge(code, { with: [...chosen].sort(), dry_run: false });
      await host.saved(
        t("cells.merge.done", { retired: result.retired.join(", "), warnings: result.report.warnings }),
        result.report.problems,
        code,
      );
      return;
    } catch (error) {
      host.fail(error);
    }
    busy = false;
    render();
  }

  function render() {
    const t = host.t();
    const language = host.ctx.languages.language;
    const ready = previewed !== null && previewed.key === key() && chosen.size > 0;
    const result = ready ? previewed?.result : undefined;
    const english = language === "en";
    fill(
      element,
      h("h3", { text: t("cells.merge.title") }),
      candidates.length === 0
        ? h("p", { className: "muted", text: t("cells.merge.none"), attrs: { "data-testid": "merge-none" } })
        : h("p", { className: "muted", text: t("cells.merge.hint") }),
      candidates.length > 0
        ? h(
            "div",
            { className: "merge-candidates", attrs: { "data-testid": "merge-candidates" } },
            ...candidates.map((c) => {
              const box = h("input", {
                attrs: {
                  type: "checkbox",
                  value: c.properties.code,
                  "data-testid": `merge-with-${c.properties.code}`,
                  ...(busy ? { disabled: "" } : {}),
                },
                on: { change: () => toggle(c.properties.code) },
              });
              box.checked = chosen.has(c.properties.code);
              const name = english && c.properties.name_en ? c.properties.name_en : c.properties.name;
              return h(
                "label",
                { className: "checkbox" },
                box,
                h("span", { text: `${name} (${c.properties.code})` }),
              );
            }),
          )
        : null,
      result?.area_before_m2 !== undefined && result.area_after_m2 !== undefined
        ? h("p", {
            className: "muted",
            text: t("cells.areaChange", {
              before: formatArea(result.area_before_m2, t, language),
              after: formatArea(result.area_after_m2, t, language),
            }),
          })
        : null,
      h(
        "div",
        { className: "button-row" },
        candidates.length > 0
          ? actionButton(t("cells.preview"), "merge-preview", () => void runPreview(), {
              kind: ready ? "secondary" : "primary",
              disabled: busy || chosen.size === 0,
            })
          : null,
        ready
          ? actionButton(t("cells.merge.apply"), "merge-apply", () => void apply(), {
              kind: "primary",
              disabled: busy,
            })
          : null,
        actionButton(t("cells.cancel"), "cancel-action", () => host.done(), { disabled: busy }),
      ),
    );
  }

  render();
  return {
    element,
    render,
    onCellClick(codes) {
      const hit = codes.find((c) => candidates.some((k) => k.properties.code === c));
      if (hit) toggle(hit);
    },
    stop() {},
  };
}
