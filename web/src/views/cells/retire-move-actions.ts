import { fill, h } from "../../ui/dom.js";
import { field } from "../../ui/form.js";
import {
  actionButton,
  type CellAction,
  type CellsHost,
  type StatusMessage,
  statusLine,
} from "./cells-host.js";
import { moveTargets } from "./shape-rules.js";

/**
 * Retire: the server has no dry run for it, so the confirmation is a separate step that names
 * the cell and asks for the reason the audit log keeps. Afterwards the parent is selected and
 * the report (typically the gap left behind) is shown.
 */
export function createRetireAction(host: CellsHost, code: string): CellAction {
  const element = h("div", { className: "cell-action", attrs: { "data-testid": "retire-action" } });
  const reason = h("textarea", { attrs: { rows: "2", maxlength: "500", "data-testid": "retire-reason" } });
  let busy = false;
  let problem: StatusMessage | null = null;
  const cell = host.cell(code);

  async function confirm() {
    const t = host.t();
    if (reason.value.trim() === "") {
      problem = { text: t("cells.retire.reasonRequired"), kind: "error" };
      return render();
    }
    busy = true;
    problem = null;
    host.report({ text: t("cells.saving"), kind: "info" });
    render();
    try {
      const result = await host.api.retire(code, reason.value.trim());
      await host.saved(
        t("cells.retire.done", { code, warnings: result.report.warnings }),
        result.report.problems,
        cell?.properties.parent_code ?? undefined,
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
    const name = cell?.properties.name ?? code;
    fill(
      element,
      h("h3", { text: t("cells.retire.title") }),
      h("p", { className: "warning-text", text: t("cells.retire.warning", { name, code }) }),
      field(t("cells.retire.reason"), reason),
      statusLine(problem, "retire-problem"),
      h(
        "div",
        { className: "button-row" },
        actionButton(t("cells.retire.confirm", { code }), "retire-confirm", () => void confirm(), {
          kind: "danger",
          disabled: busy,
        }),
        actionButton(t("cells.cancel"), "cancel-action", () => host.done(), { disabled: busy }),
      ),
    );
  }

  render();
  return { element, render, stop() {} };
}

/**
 * Move under another parent of the same level. The server re-codes the cell and its subtree
 * and has no dry run for a move, so this too is an explicit confirmation naming the target.
 */
export function createMoveAction(host: CellsHost, code: string): CellAction {
  const element = h("div", { className: "cell-action", attrs: { "data-testid": "move-action" } });
  const english = () => host.ctx.languages.language === "en";
  // Only cells within the caller's cells are loaded, which is what the server asks of the target.
  const targets = moveTargets(
    host.cells().map((c) => c.properties),
    code,
  );
  const target = h("select", { attrs: { "data-testid": "move-target" } });
  let busy = false;

  async function confirm() {
    const t = host.t();
    if (target.value === "") return;
    busy = true;
    host.report({ text: t("cells.saving"), kind: "info" });
    render();
    try {
      const result = await host.api.move(code, { parent_code: target.value });
      const moved = result.cells.find((c) => c.properties.parent_code === target.value);
      await host.saved(
        t("cells.move.done", { code, newCode: moved?.properties.code ?? "?", parent: target.value }),
        result.report.problems,
        moved?.properties.code,
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
    const chosen = target.value;
    target.replaceChildren(
      h("option", { text: t("cells.move.choose"), attrs: { value: "" } }),
      ...targets.map((c) =>
        h("option", {
          text: `${english() && c.name_en ? c.name_en : c.name} (${c.code})`,
          attrs: { value: c.code },
        }),
      ),
    );
    target.value = chosen;
    target.onchange = () => render();
    fill(
      element,
      h("h3", { text: t("cells.move.title") }),
      h("p", { className: "warning-text", text: t("cells.move.warning") }),
      targets.length === 0
        ? h("p", { className: "muted", text: t("cells.move.none") })
        : field(t("cells.move.target"), target),
      h(
        "div",
        { className: "button-row" },
        targets.length > 0
          ? actionButton(t("cells.move.confirm"), "move-confirm", () => void confirm(), {
              kind: "primary",
              disabled: busy || target.value === "",
            })
          : null,
        actionButton(t("cells.cancel"), "cancel-action", () => host.done(), { disabled: busy }),
      ),
    );
  }

  render();
  return { element, render, stop() {} };
}
