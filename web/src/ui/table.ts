import { h } from "./dom.js";

export interface Column<R> {
  /** Header text (already translated). */
  header: string;
  /** Cell content: text, or a node for links and buttons. */
  cell: (row: R) => Node | string;
  className?: string;
}

export interface TableOptions<R> {
  /** Shown in place of the table when there are no rows. */
  empty: string;
  testId?: string;
  /** A stable id per row for tests and live updates (`data-row-id`). */
  rowId?: (row: R) => string;
  rowClass?: (row: R) => string;
}

/** A plain data table; text goes in through textContent only (see `h`). */
export function renderTable<R>(columns: readonly Column<R>[], rows: readonly R[], options: TableOptions<R>) {
  const attrs: Record<string, string> = options.testId ? { "data-testid": options.testId } : {};
  if (rows.length === 0) return h("p", { className: "table-empty", text: options.empty, attrs });
  const head = h(
    "tr",
    {},
    ...columns.map((column) => h("th", { text: column.header, attrs: { scope: "col" } })),
  );
  const body = rows.map((row) => {
    const tr = h(
      "tr",
      { className: options.rowClass?.(row) ?? "" },
      ...columns.map((column) => {
        const content = column.cell(row);
        return typeof content === "string"
          ? h("td", { className: column.className ?? "", text: content })
          : h("td", { className: column.className ?? "" }, content);
      }),
    );
    if (options.rowId) tr.dataset.rowId = options.rowId(row);
    return tr;
  });
  return h(
    "div",
    { className: "table-scroll" },
    h("table", { className: "data-table", attrs }, h("thead", {}, head), h("tbody", {}, ...body)),
  );
}
