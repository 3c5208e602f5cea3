import { h } from "../../ui/dom.js";

/** What one list row shows; rows are keyed by `id` (one element per incident). */
export interface RowView {
  id: number;
  className: string;
  reference: string;
  title: string;
  meta: string;
}

interface Row {
  view: RowView;
  element: HTMLLIElement;
  meta: HTMLSpanElement;
}

/**
 * The incident rows of the command map's list, updated in place: a store change re-creates only
 * the rows whose content changed, removes the rows that left, and moves rows only where the sort
 * order needs it. Rebuilding all rows on every change made the browser restyle and repaint the
 * whole list (~25 ms in software rendering) before the map's worker answer could be handled.
 */
export class KeyedRows {
  readonly #rows = new Map<number, Row>();

  constructor(
    readonly list: HTMLUListElement,
    private readonly onOpen: (id: number) => void,
  ) {}

  /** Makes the list show `views` in this order, touching only rows that differ. */
  update(views: readonly RowView[]): void {
    const wanted = new Set(views.map((view) => view.id));
    for (const [id, row] of this.#rows) {
      if (wanted.has(id)) continue;
      row.element.remove();
      this.#rows.delete(id);
    }
    let cursor = this.list.firstElementChild;
    for (const view of views) {
      let row = this.#rows.get(view.id);
      if (row && sameRow(row.view, view)) {
        // Only the time left moved on (the clock, not the incident): patch that text alone.
        if (row.view.meta !== view.meta) row.meta.textContent = view.meta;
        row.view = view;
      } else {
        if (row) {
          if (row.element === cursor) cursor = cursor.nextElementSibling;
          row.element.remove();
        }
        row = this.#makeRow(view);
        this.#rows.set(view.id, row);
      }
      if (row.element === cursor) {
        cursor = cursor.nextElementSibling;
      } else {
        // Before the cursor: a new or changed row, or one whose place in the order changed.
        this.list.insertBefore(row.element, cursor);
      }
    }
  }

  #makeRow(view: RowView): Row {
    const { id } = view;
    const meta = h("span", { className: "incident-row-meta" }, view.meta);
    const element = h(
      "li",
      {
        className: view.className,
        attrs: { "data-incident-id": String(id), tabindex: "0", role: "button" },
        on: {
          click: () => this.onOpen(id),
          keydown: (event) => {
            if (event.key === "Enter") this.onOpen(id);
          },
        },
      },
      h("span", { className: "incident-ref", text: view.reference }),
      h("span", { className: "incident-row-title", text: view.title }),
      meta,
    );
    return { view, element, meta };
  }
}

const sameRow = (a: RowView, b: RowView): boolean =>
  a.className === b.className && a.reference === b.reference && a.title === b.title;
