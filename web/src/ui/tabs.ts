import { button } from "./actions.js";
import { h } from "./dom.js";

export interface Tab<Id extends string> {
  id: Id;
  label: string;
}

/** A row of tab buttons; the page decides what each tab shows. */
export function renderTabs<Id extends string>(
  tabs: readonly Tab<Id>[],
  active: Id,
  onSelect: (id: Id) => void,
  testIdPrefix = "tab",
): HTMLElement {
  return h(
    "nav",
    { className: "tabs", attrs: { role: "tablist" } },
    ...tabs.map((tab) =>
      button({
        className: tab.id === active ? "tab active" : "tab",
        text: tab.label,
        testId: `${testIdPrefix}-${tab.id}`,
        attrs: { role: "tab", "aria-selected": String(tab.id === active) },
        onClick: () => onSelect(tab.id),
      }),
    ),
  );
}
