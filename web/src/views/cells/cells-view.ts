import "../../incidents/incidents.css";
import "../../ui/page.css";
import "./cells.css";
import type { GeoJSONSource, Map as MapLibreMap } from "maplibre-gl";
import type {
  GeoJSONStoreFeatures,
  SnappableContext,
  SnapToCustom,
  TerraDraw,
  TerraDrawMouseEvent,
} from "terra-draw";
import { isApiError } from "../../api/errors.js";
import { boundsOf } from "../../geo/bounds.js";
import { viewTranslator } from "../../i18n/i18n.js";
import { LAYER, SOURCE } from "../../layers/ids.js";
import { h } from "../../ui/dom.js";
import { errorMessage } from "../../ui/error-message.js";
import { StatusOverlay } from "../../ui/status-overlay.js";
import { renderTabs } from "../../ui/tabs.js";
import { showDistrict } from "../command/map-overlay.js";
import type { View, ViewContext } from "../routes.js";
import { CellAdminApi } from "./cell-admin-api.js";
import { areaGeometrySchema } from "./cell-admin-schemas.js";
import { type AreaGeometry, asTopologyRefusal, CellEditApi, type TopologyProblem } from "./cell-edit-api.js";
import { buildTree, pathTo, type TreeNode } from "./cell-tree.js";
import { cellsMessages } from "./cells.messages.js";
import {
  type CellAction,
  type CellFeature,
  type CellPanel,
  type CellsHost,
  type CellsKey,
  type CellsTranslate,
  cellsErrorMessage,
  type StatusMessage,
} from "./cells-host.js";
import { createCellDraw, createCellsMap, showSelection } from "./cells-map.js";
import { createFilesPanel } from "./files-panel.js";
import { createGenerateAction, createRepairAction } from "./generate-repair-actions.js";
import { createHistoryPanel } from "./history-panel.js";
import { createMergeAction } from "./merge-action.js";
import { createPeoplePanel } from "./people-panel.js";
import { type PreviewShape, showPreview } from "./preview-layers.js";
import { showProblems } from "./problem-layers.js";
import { createMoveAction, createRetireAction } from "./retire-move-actions.js";
import { childrenOf, LEAF_LEVEL, mayRestructure } from "./shape-rules.js";
import { type Edge, edgesOf, snapToEdges } from "./snap.js";
import { createSplitAction } from "./split-action.js";

type ActionName = "split" | "merge" | "retire" | "move" | "generate" | "repair";
type Mode =
  | { kind: "browse" }
  | { kind: "draw"; parent: string }
  | { kind: "edit"; code: string }
  | { kind: "action"; name: ActionName; action: CellAction };
type Tab = "shape" | "history" | "people" | "files";
const TABS: readonly { id: Tab; label: CellsKey }[] = [
  { id: "shape", label: "cells.tab.shape" },
  { id: "history", label: "cells.tab.history" },
  { id: "people", label: "cells.tab.people" },
  { id: "files", label: "cells.tab.files" },
];
/** Levels from the top; a click on the map picks the deepest cell under the pointer. */
const LEVEL_ORDER = ["district", "street", "community", "grid"];

const SNAP_PX = 12;

declare global {
  interface Window {
    __gridopsCells?: {
      map: MapLibreMap;
      ready: boolean;
      draw: TerraDraw | null;
      problems: () => TopologyProblem[];
      select: (code: string) => void;
      /** The shapes on the preview layer (dry-run results, chosen neighbours, past versions). */
      preview: () => readonly PreviewShape[];
    };
  }
}

/**
 * The cell editor: the hierarchy as a tree beside the map; draw a new child cell or redraw a
 * cell's boundary with terra-draw, corners snapping to the neighbours' edges; the server's
 * topology check (overlaps, gaps, outside parent, slivers) drawn on the map. The selected
 * cell's tabs hold the other administration work: split, merge, move, generate, repair and
 * retire (each previewed as a dry run where the server offers one), its history, its people,
 * and import/export (decision 0133).
 */
export function createCellsView(ctx: ViewContext): View {
  const t = (): CellsTranslate => viewTranslator(cellsMessages, ctx.languages.t);
  const editApi = new CellEditApi(ctx.api.http);
  const adminApi = new CellAdminApi();
  const status = new StatusOverlay();
  const treeElement = h("nav", { className: "cell-tree", attrs: { "data-testid": "cell-tree" } });
  const toolbar = h("div", { className: "cells-toolbar", attrs: { "data-testid": "cells-toolbar" } });
  const mapElement = h("div", { className: "cells-map", attrs: { "data-testid": "cells-map" } });
  const element = h(
    "main",
    { className: "cells-view" },
    h("aside", { className: "cells-side" }, toolbar, treeElement),
    h("div", { className: "cells-map-wrap" }, mapElement, status.element),
  );

  let map: MapLibreMap | null = null;
  let draw: TerraDraw | null = null;
  let cells: CellFeature[] = [];
  let byCode = new Map<string, CellFeature>();
  let selected: string | null = null;
  const expanded = new Set<string>();
  let mode: Mode = { kind: "browse" };
  let edges: Edge[] = [];
  let problems: TopologyProblem[] = [];
  let message: StatusMessage | null = null;
  let busy = false;
  let newName = "";
  let loadError: unknown = null;
  let tab: Tab = "shape";
  let panel: { key: string; panel: CellPanel } | null = null;
  let previewShapes: readonly PreviewShape[] = [];
  /** The coverage gap (index in `problems`) whose acceptance form is open. */
  let acceptingGap: number | null = null;
  const gapReason = h("input", { attrs: { type: "text", maxlength: "500", "data-testid": "gap-reason" } });
  const canEdit = ctx.session.permissions.includes("cells:edit");
  const restructurable = (code: string) => {
    const cell = byCode.get(code);
    return canEdit && cell !== undefined && mayRestructure(cell.properties, byCode);
  };

  const snap: SnapToCustom = (event: TerraDrawMouseEvent, context: SnappableContext) => {
    const point = snapToEdges({ x: event.containerX, y: event.containerY }, edges, context.project, SNAP_PX);
    return point ? [point[0], point[1]] : undefined;
  };

  // ---- rendering ---------------------------------------------------------------------------

  const renderTree = () => {
    const english = ctx.languages.language === "en";
    const renderNode = (node: TreeNode): HTMLElement => {
      const { code, name, name_en } = node.cell;
      const open = expanded.has(code);
      const hasChildren = node.children.length > 0;
      return h(
        "li",
        { attrs: { "data-code": code } },
        h(
          "div",
          { className: code === selected ? "tree-row selected" : "tree-row" },
          h("button", {
            className: "tree-toggle",
            text: hasChildren ? (open ? "▾" : "▸") : "·",
            attrs: {
              type: "button",
              "aria-expanded": String(open),
              ...(hasChildren ? {} : { disabled: "" }),
            },
            on: {
              click: () => {
                if (open) expanded.delete(code);
                else expanded.add(code);
                renderTree();
              },
            },
          }),
          h("button", {
            className: "tree-label",
            text: english && name_en ? name_en : name,
            attrs: { type: "button", "data-testid": `tree-${code}` },
            on: { click: () => select(code) },
          }),
        ),
        open && hasChildren ? h("ul", {}, ...node.children.map(renderNode)) : null,
      );
    };
    treeElement.replaceChildren(h("ul", {}, ...buildTree(cells.map((c) => c.properties)).map(renderNode)));
  };

  const button = (label: CellsKey, testId: string, onClick: () => void, primary = false) =>
    h("button", {
      className: primary ? "primary" : "secondary",
      text: t()(label),
      attrs: { type: "button", "data-testid": testId, ...(busy ? { disabled: "" } : {}) },
      on: { click: onClick },
    });

  /** The Shape tab: every action the session may take on this cell, and none it may not. */
  const shapeActions = (cell: CellFeature): HTMLElement => {
    const { code, level, parent_code } = cell.properties;
    const leaf = childrenOf(cells, code).length === 0;
    const structural = restructurable(code);
    return h(
      "div",
      { className: "button-row" },
      canEdit && level !== LEAF_LEVEL ? button("cells.drawChild", "draw-child", () => startDraw(code)) : null,
      structural ? button("cells.editShape", "edit-shape", () => startEdit(code)) : null,
      structural && leaf && parent_code ? button("cells.split", "split", () => startAction("split")) : null,
      structural && leaf && parent_code ? button("cells.merge", "merge", () => startAction("merge")) : null,
      structural && parent_code ? button("cells.move", "move", () => startAction("move")) : null,
      canEdit && level !== LEAF_LEVEL && leaf
        ? button("cells.generate", "generate", () => startAction("generate"))
        : null,
      structural ? button("cells.repair", "repair", () => startAction("repair")) : null,
      structural && leaf ? button("cells.retire", "retire", () => startAction("retire")) : null,
      button("cells.check", "check", () => void runCheck(code)),
    );
  };

  const panelFor = (code: string, which: Exclude<Tab, "shape">): CellPanel => {
    const key = `${which}:${code}`;
    if (panel?.key === key) return panel.panel;
    panel?.panel.destroy();
    const created =
      which === "history"
        ? createHistoryPanel(host, code)
        : which === "people"
          ? createPeoplePanel(host, code)
          : createFilesPanel(host, code);
    panel = { key, panel: created };
    return created;
  };

  const closePanel = () => {
    panel?.panel.destroy();
    panel = null;
  };

  const renderProblems = (tr: CellsTranslate): HTMLElement | null => {
    if (problems.length === 0) return null;
    return h(
      "ul",
      { className: "problem-list", attrs: { "data-testid": "problem-list" } },
      ...problems.map((p, index) => {
        const text = `${problemLabel(p, tr)}${p.area_m2 != null ? ` · ${tr("cells.area", { area: p.area_m2.toFixed(1) })}` : ""}`;
        const gap = acceptableGap(p);
        return h(
          "li",
          { className: p.severity, attrs: { "data-kind": p.kind } },
          text,
          gap && acceptingGap !== index
            ? h("button", {
                className: "link-button",
                text: tr("cells.gap.accept"),
                attrs: { type: "button", "data-testid": `accept-gap-${index}` },
                on: {
                  click: () => {
                    acceptingGap = index;
                    gapReason.value = "";
                    render();
                  },
                },
              })
            : null,
          gap && acceptingGap === index
            ? h(
                "div",
                { className: "gap-form" },
                h("label", { className: "field" }, h("span", { text: tr("cells.gap.reason") }), gapReason),
                h(
                  "div",
                  { className: "button-row" },
                  button("cells.gap.confirm", "accept-gap-confirm", () => void acceptGap(gap), true),
                  button("cells.cancel", "accept-gap-cancel", () => {
                    acceptingGap = null;
                    render();
                  }),
                ),
              )
            : null,
        );
      }),
    );
  };

  const renderToolbar = () => {
    const tr = t();
    const cell = selected ? byCode.get(selected) : undefined;
    const parts: (HTMLElement | null)[] = [
      h("h2", {
        text: cell
          ? tr("cells.selected", {
              name:
                ctx.languages.language === "en" && cell.properties.name_en
                  ? cell.properties.name_en
                  : cell.properties.name,
              code: cell.properties.code,
            })
          : tr("cells.select"),
      }),
    ];
    if (mode.kind === "browse" && cell) {
      parts.push(
        renderTabs(
          TABS.map((tb) => ({ id: tb.id, label: tr(tb.label) })),
          tab,
          (id) => {
            tab = id;
            closePanel();
            setPreview([]);
            render();
          },
          "cells-tab",
        ),
      );
      if (tab === "shape") {
        parts.push(shapeActions(cell));
        if (cell.properties.level === LEAF_LEVEL)
          parts.push(h("p", { className: "muted", text: tr("cells.leaf") }));
      } else {
        const open = panelFor(cell.properties.code, tab);
        open.render();
        parts.push(open.element);
      }
    }
    if (mode.kind === "draw" || mode.kind === "edit") {
      parts.push(
        h("p", { className: "muted", text: tr(mode.kind === "draw" ? "cells.drawHint" : "cells.editHint") }),
      );
      if (mode.kind === "draw") {
        const name = h("input", {
          attrs: {
            type: "text",
            placeholder: tr("cells.name"),
            "aria-label": tr("cells.name"),
            "data-testid": "new-cell-name",
          },
        });
        name.value = newName;
        name.addEventListener("input", () => {
          newName = name.value;
        });
        parts.push(name);
      }
      parts.push(
        h(
          "div",
          { className: "button-row" },
          button("cells.save", "save-cell", () => void save(), true),
          button("cells.cancel", "cancel-edit", () => stopEditing()),
        ),
      );
    }
    if (mode.kind === "action") {
      mode.action.render();
      parts.push(mode.action.element);
    }
    if (message) {
      parts.push(
        h("p", {
          className: message.kind === "error" ? "error-text" : "muted",
          attrs: { role: "status", "data-testid": "cells-message" },
          text: message.text,
        }),
      );
    }
    parts.push(renderProblems(tr));
    toolbar.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
  };

  const render = () => {
    const tr = t();
    if (loadError !== null) {
      status.showError(
        tr("cells.loadFailed"),
        errorMessage(loadError, tr),
        tr("map.retry"),
        () => void load(),
      );
    } else if (cells.length === 0) status.showLoading(tr("cells.loading"));
    else status.hide();
    renderTree();
    renderToolbar();
  };

  // ---- actions -----------------------------------------------------------------------------

  function select(code: string) {
    if (mode.kind !== "browse") return;
    if (selected !== code) closePanel();
    selected = code;
    for (const ancestor of pathTo(new Map(cells.map((c) => [c.properties.code, c.properties])), code))
      expanded.add(ancestor);
    problems = [];
    message = null;
    acceptingGap = null;
    setPreview([]);
    const cell = byCode.get(code);
    if (map && cell) {
      showSelection(map, cell);
      const bounds = boundsOf([{ type: "FeatureCollection", features: [cell] }]);
      if (bounds) map.fitBounds(bounds, { padding: 40, duration: 300 });
      showProblems(map, []);
    }
    render();
  }

  function setPreview(shapes: readonly PreviewShape[], fit = false) {
    previewShapes = shapes;
    if (!map) return;
    showPreview(map, shapes);
    if (!fit || shapes.length === 0) return;
    const bounds = boundsOf([
      {
        type: "FeatureCollection",
        features: shapes.map((s) => ({ type: "Feature" as const, geometry: s.geometry, properties: {} })),
      },
    ]);
    if (bounds) map.fitBounds(bounds, { padding: 40, duration: 300 });
  }

  const actionFactories: Record<ActionName, (host: CellsHost, code: string) => CellAction> = {
    split: createSplitAction,
    merge: createMergeAction,
    retire: createRetireAction,
    move: createMoveAction,
    generate: createGenerateAction,
    repair: createRepairAction,
  };

  function startAction(name: ActionName) {
    if (!selected || mode.kind !== "browse") return;
    problems = [];
    message = null;
    acceptingGap = null;
    setPreview([]);
    if (map) showProblems(map, []);
    mode = { kind: "action", name, action: actionFactories[name](host, selected) };
    render();
  }

  function leaveAction(next?: string) {
    if (mode.kind === "action") mode.action.stop();
    mode = { kind: "browse" };
    edges = [];
    setPreview([]);
    const target = next ?? selected;
    if (target && byCode.has(target)) return select(target);
    if (selected && !byCode.has(selected)) {
      closePanel();
      selected = null;
      if (map) showSelection(map, null);
    }
    render();
  }

  /** A coverage gap the caller may mark as intended: its parent is within their cells. */
  function acceptableGap(problem: TopologyProblem): { parent: string; geometry: AreaGeometry } | null {
    if (
      !canEdit ||
      problem.kind !== "coverage_gap" ||
      !problem.parent_code ||
      !byCode.has(problem.parent_code)
    )
      return null;
    const geometry = areaGeometrySchema.safeParse(problem.geometry);
    return geometry.success ? { parent: problem.parent_code, geometry: geometry.data } : null;
  }

  async function acceptGap(gap: { parent: string; geometry: AreaGeometry }) {
    const tr = t();
    if (gapReason.value.trim() === "") {
      message = { text: tr("cells.gap.reasonRequired"), kind: "error" };
      return render();
    }
    busy = true;
    render();
    try {
      const result = await adminApi.acceptGap(gap.parent, gap.geometry, gapReason.value.trim());
      acceptingGap = null;
      busy = false;
      host.report(
        { text: tr("cells.gap.accepted", { warnings: result.report.warnings }), kind: "info" },
        result.report.problems,
      );
      return;
    } catch (error) {
      host.fail(error);
    }
    busy = false;
    render();
  }

  const host: CellsHost = {
    ctx,
    api: adminApi,
    canEdit,
    t,
    map: () => map,
    draw: () => draw,
    cells: () => cells,
    cell: (code) => byCode.get(code),
    mayRestructure: restructurable,
    report(next, nextProblems) {
      message = next;
      if (nextProblems !== undefined) {
        problems = [...nextProblems];
        acceptingGap = null;
        if (map) showProblems(map, problems);
      }
      render();
    },
    preview: setPreview,
    snapTo(next) {
      edges = next;
    },
    fail(error) {
      const tr = t();
      const refused = asTopologyRefusal(error);
      if (refused) {
        problems = refused.report.problems;
        message = { text: tr("cells.refused", { errors: refused.report.errors }), kind: "error" };
        if (map) showProblems(map, problems);
      } else if (isApiError(error) && error.status === 401) {
        return ctx.onUnauthenticated();
      } else {
        message = { text: tr("cells.failed", { message: cellsErrorMessage(error, tr) }), kind: "error" };
      }
      render();
    },
    done: leaveAction,
    reload: reloadCells,
    async saved(text, savedProblems, select) {
      await reloadCells();
      leaveAction(select);
      host.report({ text, kind: "info" }, savedProblems);
    },
    rerender: () => render(),
  };

  /** Neighbours to snap to: the parent's boundary and its other children (and the cell's own children when redrawing). */
  const snapTargets = (parent: string | null, except: string | null): AreaGeometry[] =>
    cells
      .filter(
        (c) =>
          c.properties.code !== except &&
          (c.properties.parent_code === parent ||
            c.properties.code === parent ||
            (except !== null && c.properties.parent_code === except)),
      )
      .map((c) => c.geometry);

  function startDraw(parent: string) {
    if (!draw) return;
    mode = { kind: "draw", parent };
    edges = edgesOf(snapTargets(parent, null));
    problems = [];
    message = null;
    draw.clear();
    draw.setMode("polygon");
    render();
  }

  function startEdit(code: string) {
    const cell = byCode.get(code);
    if (!draw || !cell) return;
    mode = { kind: "edit", code };
    edges = edgesOf(snapTargets(cell.properties.parent_code ?? null, code));
    problems = [];
    message = null;
    draw.clear();
    const polygon: GeoJSON.Polygon =
      cell.geometry.type === "Polygon"
        ? cell.geometry
        : { type: "Polygon", coordinates: cell.geometry.coordinates[0] ?? [] };
    const [result] = draw.addFeatures([
      { type: "Feature", geometry: polygon, properties: { mode: "polygon" } } as GeoJSONStoreFeatures,
    ]);
    draw.setMode("select");
    if (result?.valid && result.id !== undefined) draw.selectFeature(result.id);
    render();
  }

  function stopEditing() {
    mode = { kind: "browse" };
    draw?.clear();
    draw?.setMode("static");
    newName = "";
    render();
  }

  const drawnPolygon = (): GeoJSON.Polygon | null => {
    const feature = draw?.getSnapshot().find((f) => f.geometry.type === "Polygon");
    return feature ? (feature.geometry as GeoJSON.Polygon) : null;
  };

  async function runCheck(code: string) {
    busy = true;
    message = { text: t()("cells.checking"), kind: "info" };
    render();
    try {
      const report = await editApi.check(code);
      problems = report.problems;
      message = {
        text:
          report.problems.length === 0
            ? t()("cells.checkOk")
            : t()("cells.checkResult", { errors: report.errors, warnings: report.warnings }),
        kind: report.ok ? "info" : "error",
      };
    } catch (error) {
      message = { text: t()("cells.failed", { message: errorMessage(error, t()) }), kind: "error" };
    }
    busy = false;
    if (map) showProblems(map, problems);
    render();
  }

  /**
   * The server checks the topology inside the write's transaction and refuses (422, nothing
   * written) with its report when the shape is wrong; the report goes on the map and the
   * drawing stays for fixing.
   */
  /** The drawing whose dry-run warnings the user has seen; saving it again keeps it. */
  let previewedDrawing: string | null = null;

  async function save() {
    const tr = t();
    const polygon = drawnPolygon();
    if (!polygon) {
      message = { text: tr("cells.nothingDrawn"), kind: "error" };
      return render();
    }
    if (mode.kind === "draw" && newName.trim() === "") {
      message = { text: tr("cells.nameRequired"), kind: "error" };
      return render();
    }
    busy = true;
    message = { text: tr("cells.saving"), kind: "info" };
    render();
    const submit = (dryRun: boolean) =>
      mode.kind === "draw"
        ? editApi.createChild(mode.parent, { name: newName.trim(), geometry: polygon }, dryRun)
        : mode.kind === "edit"
          ? editApi.updateGeometry(mode.code, polygon, dryRun)
          : Promise.resolve(null);
    try {
      // Check first (a dry run writes nothing); warnings are shown on the map and the shape is
      // kept only when Save is pressed again for the same drawing.
      const drawing = JSON.stringify(polygon);
      if (previewedDrawing !== drawing) {
        const preview = await submit(true);
        if (preview && preview.report.warnings > 0) {
          previewedDrawing = drawing;
          problems = preview.report.problems;
          busy = false;
          message = {
            text: tr("cells.previewWarnings", { warnings: preview.report.warnings }),
            kind: "info",
          };
          if (map) showProblems(map, problems);
          return render();
        }
      }
      previewedDrawing = null;
      const result = await submit(false);
      if (result) {
        problems = result.report.problems;
        busy = false;
        stopEditing();
        message = { text: tr("cells.saved", { warnings: result.report.warnings }), kind: "info" };
        await reloadCells();
      }
    } catch (error) {
      const refused = asTopologyRefusal(error);
      if (refused) {
        problems = refused.report.problems;
        message = { text: tr("cells.refused", { errors: refused.report.errors }), kind: "error" };
      } else {
        if (isApiError(error) && error.status === 401) return ctx.onUnauthenticated();
        message = { text: tr("cells.failed", { message: errorMessage(error, tr) }), kind: "error" };
      }
    }
    busy = false;
    if (map) showProblems(map, problems);
    render();
  }

  // ---- loading -----------------------------------------------------------------------------

  async function reloadCells() {
    const collection = await ctx.api.cells();
    cells = collection.features;
    byCode = new Map(cells.map((c) => [c.properties.code, c]));
    if (map) {
      const source = map.getSource<GeoJSONSource>(SOURCE.cells);
      if (source) void source.setData(collection);
      else
        showDistrict(
          map,
          { cells: collection, checkpoints: emptyPoints(), cameras: emptyPoints() },
          ctx.languages.language,
        );
    }
  }

  async function load() {
    loadError = null;
    render();
    try {
      const readyMap = map ?? (await createCellsMap(mapElement, ctx));
      const firstLoad = map === null;
      map = readyMap;
      await reloadCells();
      showSelection(readyMap, null);
      const bounds = boundsOf([{ type: "FeatureCollection", features: cells }]);
      if (bounds) readyMap.fitBounds(bounds, { padding: 30, animate: false });
      if (firstLoad)
        readyMap.on("click", LAYER.cellFill, (event) => {
          const codes = (event.features ?? [])
            .map((f) => ({
              code: String(f.properties.code),
              depth: LEVEL_ORDER.indexOf(String(f.properties.level)),
            }))
            .sort((a, b) => b.depth - a.depth)
            .map((f) => f.code);
          if (mode.kind === "action") return mode.action.onCellClick?.(codes);
          if (mode.kind === "browse" && codes[0]) select(codes[0]);
        });
      draw ??= createCellDraw(readyMap, snap);
      for (const root of buildTree(cells.map((c) => c.properties))) expanded.add(root.cell.code);
      window.__gridopsCells = {
        map: readyMap,
        ready: false,
        draw,
        problems: () => problems,
        select,
        preview: () => previewShapes,
      };
      readyMap.once("idle", () => {
        if (window.__gridopsCells) window.__gridopsCells.ready = true;
      });
    } catch (error) {
      if (isApiError(error) && error.status === 401) return ctx.onUnauthenticated();
      loadError = error;
    }
    render();
  }

  void load();
  return {
    element,
    render,
    destroy() {
      if (mode.kind === "action") mode.action.stop();
      closePanel();
      draw?.stop();
      map?.remove();
      delete window.__gridopsCells;
    },
  };
}

function emptyPoints() {
  return { type: "FeatureCollection" as const, features: [] };
}

function problemLabel(problem: TopologyProblem, t: CellsTranslate): string {
  const where = problem.code ? `${problem.code}: ` : "";
  if (problem.kind === "sibling_overlap")
    return `${where}${t("cells.problem.sibling_overlap", { other: problem.other_code ?? "?" })}`;
  return `${where}${t(`cells.problem.${problem.kind}`)}`;
}
