import type { CellProperties } from "../../api/schemas.js";
import type { Language } from "../../i18n/i18n.js";
import { h } from "../../ui/dom.js";
import { checkboxLabel } from "../../ui/form.js";

/** Enough rows to pick from without drawing thousands of checkboxes at once. */
const MAX_SHOWN = 200;

export interface CellOption {
  code: string;
  name: string;
  nameEn: string | null;
  level: string;
}

export function cellOptions(cells: readonly CellProperties[]): CellOption[] {
  return cells
    .map((cell) => ({ code: cell.code, name: cell.name, nameEn: cell.name_en ?? null, level: cell.level }))
    .sort((a, b) => a.code.localeCompare(b.code));
}

/** Options matching a filter by code prefix or name substring, selected ones first. */
export function filterCells(
  options: readonly CellOption[],
  query: string,
  selected: ReadonlySet<string>,
): CellOption[] {
  const q = query.trim().toLowerCase();
  const matches = options.filter(
    (cell) =>
      q === "" ||
      cell.code.toLowerCase().startsWith(q) ||
      cell.name.toLowerCase().includes(q) ||
      (cell.nameEn?.toLowerCase().includes(q) ?? false),
  );
  return [...matches.filter((c) => selected.has(c.code)), ...matches.filter((c) => !selected.has(c.code))];
}

export interface CellPickerLabels {
  filter: string;
  selected: (count: number) => string;
  more: (count: number) => string;
  level: (level: string) => string;
}

export interface CellPicker {
  element: HTMLElement;
  values(): string[];
  relabel(labels: CellPickerLabels, language: Language): void;
}

/**
 * A filterable checklist of cells. Assigning a cell covers everything below it, so the list shows
 * each cell's level; codes the list does not know (a retired cell still assigned) stay selected.
 */
export function createCellPicker(
  options: readonly CellOption[],
  initial: Iterable<string>,
  labels: CellPickerLabels,
  language: Language,
): CellPicker {
  const selected = new Set(initial);
  let currentLabels = labels;
  let currentLanguage = language;
  const filter = h("input", {
    attrs: { type: "search", "data-testid": "cell-filter" },
    on: { input: () => drawList() },
  });
  const count = h("span", { className: "field-hint", attrs: { "data-testid": "cell-count" } });
  const list = h("div", { className: "cell-picker-list" });
  const element = h(
    "div",
    { className: "cell-picker", attrs: { "data-testid": "cell-picker" } },
    filter,
    count,
    list,
  );

  function drawList() {
    const matches = filterCells(options, filter.value, selected);
    const shown = matches.slice(0, MAX_SHOWN);
    list.replaceChildren(
      ...shown.map((cell) => {
        const box = h("input", {
          attrs: { type: "checkbox", value: cell.code, "data-testid": `cell-${cell.code}` },
          on: {
            change: () => {
              if (box.checked) selected.add(cell.code);
              else selected.delete(cell.code);
              drawCount();
            },
          },
        });
        box.checked = selected.has(cell.code);
        const name = currentLanguage === "en" && cell.nameEn ? cell.nameEn : cell.name;
        return checkboxLabel(box, `${cell.code} ${name} · ${currentLabels.level(cell.level)}`);
      }),
      matches.length > MAX_SHOWN
        ? h("div", { className: "field-hint", text: currentLabels.more(matches.length - MAX_SHOWN) })
        : "",
    );
  }

  function drawCount() {
    count.textContent = currentLabels.selected(selected.size);
  }

  const relabel = (next: CellPickerLabels, nextLanguage: Language) => {
    currentLabels = next;
    currentLanguage = nextLanguage;
    filter.placeholder = next.filter;
    filter.setAttribute("aria-label", next.filter);
    drawList();
    drawCount();
  };
  relabel(labels, language);
  return { element, values: () => [...selected].sort(), relabel };
}
