import type { Map as MapLibreMap } from "maplibre-gl";
import type { TerraDraw } from "terra-draw";
import { isApiError } from "../../api/errors.js";
import type { CellCollection } from "../../api/gridops-api.js";
import type { MessageKey, Translate } from "../../i18n/i18n.js";
import { h } from "../../ui/dom.js";
import { errorMessage } from "../../ui/error-message.js";
import type { LoadableLabels } from "../../ui/loadable.js";
import type { ViewContext } from "../routes.js";
import type { CellAdminApi } from "./cell-admin-api.js";
import type { TopologyProblem } from "./cell-edit-api.js";
import { cellsMessages } from "./cells.messages.js";
import type { PreviewShape } from "./preview-layers.js";
import type { Edge } from "./snap.js";

export type CellsKey = MessageKey | (typeof cellsMessages)["keys"][number];
export type CellsTranslate = Translate<CellsKey>;
export type CellFeature = CellCollection["features"][number];

export interface StatusMessage {
  text: string;
  kind: "info" | "error";
}

/**
 * What the cells view lends an action or a panel: the map and drawing, the loaded cells, the
 * shared status line and problem list, the preview layer, and the way back to browsing.
 */
export interface CellsHost {
  readonly ctx: ViewContext;
  readonly api: CellAdminApi;
  /** The session may edit cells at all (`cells:edit`). */
  readonly canEdit: boolean;
  t(): CellsTranslate;
  map(): MapLibreMap | null;
  draw(): TerraDraw | null;
  cells(): readonly CellFeature[];
  cell(code: string): CellFeature | undefined;
  /** May change this cell's shape or place (its parent is within the caller's cells). */
  mayRestructure(code: string): boolean;
  /** The status line under the toolbar, and the problems (listed, and drawn on the map). */
  report(message: StatusMessage | null, problems?: readonly TopologyProblem[]): void;
  /** Replaces the preview shapes on the map. */
  preview(shapes: readonly PreviewShape[], fit?: boolean): void;
  /** Neighbours' edges the drawing snaps to. */
  snapTo(edges: Edge[]): void;
  /** A failed request: 401 → sign-in, a topology refusal → its problems, else the message. */
  fail(error: unknown): void;
  /** Leaves the running action; with `select`, selects that cell afterwards. */
  done(select?: string): void;
  /** Reloads the cells after a write (tree and map). */
  reload(): Promise<void>;
  /**
   * After a write: reloads the cells, leaves the action (selecting `select`, if given) and
   * reports `text` with the problems the server's check still found.
   */
  saved(text: string, problems: readonly TopologyProblem[], select?: string): Promise<void>;
  rerender(): void;
}

/** A map-bound operation on the selected cell (split, merge, retire, …) shown in the toolbar. */
export interface CellAction {
  readonly element: HTMLElement;
  render(): void;
  /** A click on the map while the action runs: the cells under the pointer, deepest first. */
  onCellClick?(codes: readonly string[]): void;
  /** Leaving the action: undo what it set on the map and the drawing. */
  stop(): void;
}

/** A tab's content for the selected cell (history, people, files). */
export interface CellPanel {
  readonly element: HTMLElement;
  render(): void;
  destroy(): void;
}

const cellsKeys = new Set<string>(cellsMessages.keys);

/**
 * Our own text for the cell routes' error codes (split_line_does_not_split, merge_not_adjacent,
 * user_lacks_role, …), else the shared rule (ui/error-message.ts).
 */
export function cellsErrorMessage(error: unknown, t: CellsTranslate): string {
  if (isApiError(error)) {
    const key = `cells.error.${error.code}`;
    if (cellsKeys.has(key)) return t(key as CellsKey);
  }
  return errorMessage(error, t);
}

export function loadableLabels(t: CellsTranslate): LoadableLabels {
  return {
    loading: t("cells.panelLoading"),
    failed: t("cells.panelFailed"),
    retry: t("map.retry"),
    detail: (error) => cellsErrorMessage(error, t),
  };
}

/** "1,234.5 m²" in the UI language. */
export function formatArea(areaM2: number, t: CellsTranslate, language: string): string {
  const value = new Intl.NumberFormat(language, { maximumFractionDigits: areaM2 < 100 ? 1 : 0 }).format(
    areaM2,
  );
  return t("cells.area", { area: value });
}

/** A button in the toolbar's style. */
export interface ButtonOptions {
  kind?: "primary" | "secondary" | "danger";
  disabled?: boolean;
}

export function actionButton(
  label: string,
  testId: string,
  onClick: () => void,
  options: ButtonOptions = {},
): HTMLButtonElement {
  const kind = options.kind ?? "secondary";
  return h("button", {
    className: kind === "danger" ? "secondary danger" : kind,
    text: label,
    attrs: { type: "button", "data-testid": testId, ...(options.disabled ? { disabled: "" } : {}) },
    on: { click: onClick },
  });
}

/** A status line inside a panel (role=status so screen readers hear it). */
export function statusLine(message: StatusMessage | null, testId: string): HTMLElement | null {
  return message
    ? h("p", {
        className: message.kind === "error" ? "error-text" : "muted",
        text: message.text,
        attrs: { role: message.kind === "error" ? "alert" : "status", "data-testid": testId },
      })
    : null;
}
