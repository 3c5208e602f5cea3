import type { AuditEntry, AuditFilter, AuditPage } from "../../api/admin-api.js";
import { pager } from "../../ui/actions.js";
import { h } from "../../ui/dom.js";
import { field, filterBar, filteredLayout, formError, textInput } from "../../ui/form.js";
import { formatDateTime, localInputToIso } from "../../ui/format.js";
import { type Loadable, loader } from "../../ui/loadable.js";
import { renderTable } from "../../ui/table.js";
import type { AdminContext, AdminTranslate } from "./admin-context.js";
import type { Panel } from "./users-panel.js";

const PAGE_SIZE = 50;
const ACTION = /^[a-z_.]{1,100}$/;

/**
 * Keyset pages walked both ways: the server pages with before_id (older), so going back to newer
 * pages replays the cursors we came through.
 */
export class KeysetPages {
  #cursors: (number | null)[] = [null];

  get page(): number {
    return this.#cursors.length;
  }

  get cursor(): number | null {
    return this.#cursors.at(-1) ?? null;
  }

  get hasNewer(): boolean {
    return this.#cursors.length > 1;
  }

  older(next: number): void {
    this.#cursors.push(next);
  }

  newer(): void {
    if (this.#cursors.length > 1) this.#cursors.pop();
  }

  reset(): void {
    this.#cursors = [null];
  }
}

function detailsText(details: Record<string, unknown>): string {
  const text = JSON.stringify(details);
  return text === "{}" ? "" : text;
}

/** The audit log: filters, keyset paging, and a CSV export of the filtered rows. */
export function createAuditPanel(ctx: AdminContext): Panel {
  const element = h("section", { className: "admin-panel", attrs: { "data-testid": "audit-panel" } });
  const layout = filteredLayout(element);
  const inputs = {
    actor: textInput("auditActor"),
    action: textInput("auditAction"),
    target_type: textInput("auditTargetType"),
    target_id: textInput("auditTargetId"),
    from: textInput("auditFrom", { type: "datetime-local" }),
    to: textInput("auditTo", { type: "datetime-local" }),
  };
  const pages = new KeysetPages();
  let filter: AuditFilter = {};
  let filterError: string | null = null;
  let data: Loadable<AuditPage> = { state: "loading" };

  const load = loader(
    () => ctx.api.audit(filter, pages.cursor, PAGE_SIZE),
    (value) => {
      data = value;
      render();
    },
  );

  const readFilter = (): AuditFilter | string => {
    const action = inputs.action.value.trim();
    if (action !== "" && !ACTION.test(action)) return ctx.t()("admin.audit.badAction");
    const next: AuditFilter = {
      actor: inputs.actor.value,
      action,
      target_type: inputs.target_type.value,
      target_id: inputs.target_id.value,
    };
    const from = localInputToIso(inputs.from.value);
    const to = localInputToIso(inputs.to.value);
    if (from) next.from = from;
    if (to) next.to = to;
    return next;
  };

  const apply = (event?: Event) => {
    event?.preventDefault();
    const next = readFilter();
    if (typeof next === "string") {
      filterError = next;
      return render();
    }
    filterError = null;
    filter = next;
    pages.reset();
    void load();
  };

  const reset = () => {
    for (const input of Object.values(inputs)) input.value = "";
    apply();
  };

  function renderFilters(t: AdminTranslate) {
    return filterBar({
      testId: "audit-filters",
      onSubmit: apply,
      fields: [
        field(t("admin.audit.actor"), inputs.actor),
        field(t("admin.audit.action"), inputs.action),
        field(t("admin.audit.targetType"), inputs.target_type),
        field(t("admin.audit.targetId"), inputs.target_id),
        field(t("admin.audit.from"), inputs.from),
        field(t("admin.audit.to"), inputs.to),
      ],
      apply: { text: t("admin.audit.apply"), testId: "audit-apply" },
      reset: { text: t("admin.audit.reset"), onReset: reset },
      extraActions: [
        h("a", {
          className: "button-link",
          text: t("admin.audit.export"),
          attrs: { href: ctx.api.auditCsvUrl(filter), download: "", "data-testid": "audit-export" },
        }),
      ],
      footer: formError(filterError),
    });
  }

  function renderPage(page: AuditPage, t: AdminTranslate) {
    const language = ctx.language();
    const table = renderTable<AuditEntry>(
      [
        { header: t("admin.audit.time"), cell: (e) => formatDateTime(e.occurred_at, language) },
        { header: t("admin.audit.actor"), cell: (e) => e.actor },
        { header: t("admin.audit.action"), cell: (e) => e.action },
        {
          header: t("admin.audit.target"),
          cell: (e) => [e.target_type, e.target_id].filter((v) => v).join(" ") || t("admin.none"),
        },
        { header: t("admin.audit.cell"), cell: (e) => e.cell_code ?? t("admin.none") },
        { header: t("admin.audit.ip"), cell: (e) => e.ip ?? t("admin.none") },
        { header: t("admin.audit.details"), cell: (e) => detailsText(e.details), className: "details" },
      ],
      page.entries,
      { empty: t("admin.audit.empty"), testId: "audit-table", rowId: (e) => String(e.id) },
    );
    const next = page.next_before_id;
    return h(
      "div",
      {},
      table,
      pager(
        {
          text: t("admin.audit.newer"),
          testId: "audit-newer",
          disabled: !pages.hasNewer,
          onClick: () => {
            pages.newer();
            void load();
          },
        },
        h("span", { text: t("admin.audit.page", { page: pages.page }) }),
        {
          text: t("admin.audit.older"),
          testId: "audit-older",
          disabled: next === null,
          onClick: () => {
            if (next === null) return;
            pages.older(next);
            void load();
          },
        },
      ),
    );
  }

  function render() {
    const t = ctx.t();
    layout.showBar(`${ctx.language()}|${filterError}|${ctx.api.auditCsvUrl(filter)}`, () => renderFilters(t));
    layout.showBody(
      ctx.renderLoadable(
        data,
        () => void load(),
        (page) => renderPage(page, t),
      ),
    );
  }

  void load();
  return { element, render };
}
