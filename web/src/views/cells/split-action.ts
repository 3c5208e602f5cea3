import type { TerraDrawEventListeners } from "terra-draw";
import { fill, h } from "../../ui/dom.js";
import type { ShapeEditResult } from "./cell-admin-schemas.js";
import { actionButton, type CellAction, type CellsHost, formatArea } from "./cells-host.js";
import { extendLine } from "./shape-rules.js";
import { edgesOf, type LngLat } from "./snap.js";

type FeatureId = Parameters<TerraDrawEventListeners["finish"]>[0];

/**
 * Split: draw a line across the cell, preview (a dry run: the parts, their codes and the
 * topology report on the map), then apply the same line. A changed line needs a new preview.
 */
export function createSplitAction(host: CellsHost, code: string): CellAction {
  const element = h("div", { className: "cell-action", attrs: { "data-testid": "split-action" } });
  const draw = host.draw();
  let line: LngLat[] | null = null;
  let previewed: { key: string; result: ShapeEditResult } | null = null;
  let busy = false;

  const cell = host.cell(code);
  host.snapTo(
    edgesOf(
      host
        .cells()
        .filter(
          (c) =>
            c.properties.code === code ||
            (cell?.properties.parent_code != null &&
              c.properties.parent_code === cell.properties.parent_code),
        )
        .map((c) => c.geometry),
    ),
  );

  /** Keeps only the newest finished line: drawing again replaces the previous one. */
  const onFinish = (id: FeatureId) => {
    if (!draw) return;
    const feature = draw.getSnapshotFeature(id);
    if (feature?.geometry.type !== "LineString") return;
    const older = draw
      .getSnapshot()
      .filter((f) => f.id !== id && f.geometry.type === "LineString" && f.id !== undefined)
      .map((f) => f.id as FeatureId);
    if (older.length > 0) draw.removeFeatures(older);
    line = (feature.geometry.coordinates as number[][]).map((p): LngLat => [p[0] ?? 0, p[1] ?? 0]);
    previewed = null;
    host.preview([]);
    host.report(null, []);
    render();
  };
  draw?.clear();
  draw?.on("finish", onFinish);
  draw?.setMode("linestring");

  const key = () => JSON.stringify(line);
  const body = (dryRun: boolean) => ({
    line: { type: "LineString" as const, coordinates: extendLine(line ?? []) },
    dry_run: dryRun,
  });

  async function runPreview() {
    const t = host.t();
    if (!line) return;
    busy = true;
    host.report({ text: t("cells.previewing"), kind: "info" }, []);
    render();
    try {
      const result = await host.api.split(code, body(true));
      previewed = { key: key(), result };
      host.preview(
        result.cells.map((c) => ({ geometry: c.geometry, role: "result", label: c.properties.code })),
        true,
      );
      host.report(
        {
          text: t("cells.split.previewed", {
            parts: result.cells.length,
            codes: result.cells.map((c) => c.properties.code).join(", "),
            warnings: result.report.warnings,
          }),
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

  async function apply() {
    const t = host.t();
    if (!line || previewed?.key !== key()) return;
    busy = true;
    host.report({ text: t("cells.saving"), kind: "info" });
    render();
    try {
      const result = await host.api.split(code, body(false));
      await host.saved(
        t("cells.split.done", {
          codes: result.cells.map((c) => c.properties.code).join(", "),
          warnings: result.report.warnings,
        }),
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
    const ready = previewed !== null && previewed.key === key();
    const areas =
      ready && previewed?.result.area_before_m2 !== undefined && previewed.result.area_after_m2 !== undefined
        ? t("cells.areaChange", {
            before: formatArea(previewed.result.area_before_m2, t, language),
            after: formatArea(previewed.result.area_after_m2, t, language),
          })
        : null;
    fill(
      element,
      h("h3", { text: t("cells.split.title") }),
      h("p", { className: "muted", text: t(line ? "cells.split.redrawHint" : "cells.split.hint") }),
      areas ? h("p", { className: "muted", text: areas, attrs: { "data-testid": "split-areas" } }) : null,
      h(
        "div",
        { className: "button-row" },
        actionButton(t("cells.preview"), "split-preview", () => void runPreview(), {
          kind: ready ? "secondary" : "primary",
          disabled: busy || !line,
        }),
        ready
          ? actionButton(t("cells.split.apply"), "split-apply", () => void apply(), {
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
    stop() {
      draw?.off("finish", onFinish);
      draw?.clear();
      draw?.setMode("static");
    },
  };
}
