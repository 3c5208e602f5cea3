// @vitest-environment happy-dom
import { describe, expect, it, vi } from "vitest";
import type { IncidentsApi } from "../../api/incidents-api.js";
import type { Language } from "../../i18n/i18n.js";
import { LanguageStore } from "../../i18n/language-store.js";
import { DEFAULT_FILTER } from "../../incidents/incident-filter.js";
import type { IncidentItem } from "../../incidents/incident-item.js";
import { byTestId, fire, kids } from "../../ui/dom.test-support.js";
import { commandT } from "./command-translate.js";
import { IncidentPanel } from "./incident-panel.js";

const item = (id: number, minute: number, patch: Partial<IncidentItem> = {}): IncidentItem => ({
  id,
  reference: `INC-${id}`,
  cellCode: "G1",
  category: "fire",
  priority: "normal",
  state: "reported",
  title: `Incident ${id}`,
  lon: 120,
  lat: 30,
  dueAt: null,
  overdue: false,
  updatedAt: new Date(Date.UTC(2026, 2, 2, 8, minute)).toISOString(),
  reportedAt: null,
  closedAt: null,
  overdueAt: null,
  version: 1,
  allowedActions: null,
  ...patch,
});

function panelIn(language: Language = "en") {
  const languages = new LanguageStore(language, null);
  const onSelect = vi.fn();
  const panel = new IncidentPanel({
    // Only an opened detail calls the API: it gets answers that never come (stays "loading").
    api: {
      get: () => new Promise(() => {}),
      timeline: () => new Promise(() => {}),
    } as unknown as IncidentsApi,
    t: () => commandT(languages),
    language: () => languages.language,
    categories: () => [],
    filter: () => DEFAULT_FILTER,
    onFilter: () => {},
    onSelect,
    onIncident: () => {},
  });
  const list = () => byTestId(panel.element, "incident-list");
  const rows = () => kids(list());
  const ids = () => rows().map((row) => Number(row.dataset.incidentId));
  const row = (id: number) => rows().find((r) => r.dataset.incidentId === String(id));
  return { panel, languages, onSelect, list, rows, ids, row };
}

/** What a full rebuild would show, for comparison: newest update first, then highest id. */
const expectedOrder = (items: readonly IncidentItem[]) =>
  [...items]
    .sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt) || b.id - a.id)
    .map((i) => i.id);

describe("IncidentPanel list (keyed rows)", () => {
  it("keeps unchanged rows' elements and the sort order through add, change and remove", () => {
    const { panel, rows, ids, row } = panelIn();
    let items = [item(1, 1), item(2, 2), item(3, 3), item(4, 4)];
    panel.setItems(items);
    expect(ids()).toEqual([4, 3, 2, 1]);
    const before = new Map(rows().map((r) => [r.dataset.incidentId, r]));

    // Add: a new incident goes to the top; the others keep their elements.
    items = [...items, item(5, 5)];
    panel.setItems(items);
    expect(ids()).toEqual(expectedOrder(items));
    for (const id of [1, 2, 3, 4]) expect(row(id)).toBe(before.get(String(id)));

    // Change: incident 2 is updated (new title, later time) and moves to the top as a new row.
    items = items.map((i) => (i.id === 2 ? item(2, 9, { title: "Pipe burst" }) : i));
    panel.setItems(items);
    expect(ids()).toEqual([2, 5, 4, 3, 1]);
    expect(row(2)).not.toBe(before.get("2"));
    expect(row(2)?.querySelector(".incident-row-title")?.textContent).toBe("Pipe burst");
    for (const id of [1, 3, 4]) expect(row(id)).toBe(before.get(String(id)));

    // Remove: the row goes, the rest stay as they were.
    items = items.filter((i) => i.id !== 3);
    panel.setItems(items);
    expect(ids()).toEqual([2, 5, 4, 1]);
    expect(before.get("3")?.isConnected).toBe(false);
    for (const id of [1, 4]) expect(row(id)).toBe(before.get(String(id)));
    expect(panel.element.querySelector(".list-count")?.textContent).toContain("4");
  });

  it("moves a row down when its update time goes back, and replaces it when only its state changed", () => {
    const { panel, ids, row } = panelIn();
    let items = [item(1, 1), item(2, 2), item(3, 3)];
    panel.setItems(items);
    const first = row(1);
    items = items.map((i) => (i.id === 3 ? item(3, 0) : i));
    panel.setItems(items);
    expect(ids()).toEqual([2, 1, 3]);
    expect(row(1)).toBe(first);
    const second = row(2);
    items = items.map((i) => (i.id === 2 ? { ...i, state: "closed" as const, priority: "high" } : i));
    panel.setItems(items);
    expect(ids()).toEqual([2, 1, 3]);
    expect(row(2)).not.toBe(second);
    expect(row(2)?.className).toBe("incident-row priority-high");
    expect(row(1)).toBe(first);
  });

  it("matches a full rebuild after a shuffle of adds, removes and changes", () => {
    const keyed = panelIn();
    const fresh = panelIn();
    let items = Array.from({ length: 30 }, (_, i) => item(i + 1, i % 7));
    keyed.panel.setItems(items);
    items = [
      ...items.filter((i) => i.id % 4 !== 0).map((i) => (i.id % 5 === 0 ? item(i.id, 20 - (i.id % 3)) : i)),
      item(40, 3),
      item(41, 30),
    ];
    keyed.panel.setItems(items);
    fresh.panel.setItems(items);
    expect(keyed.ids()).toEqual(expectedOrder(items));
    expect(keyed.list()?.outerHTML).toBe(fresh.list()?.outerHTML);
  });

  it("shows the empty text and back, and a row still opens its incident on click", () => {
    const { panel, onSelect, ids } = panelIn();
    panel.setItems([]);
    expect(byTestId(panel.element, "incident-list-empty")).toBeDefined();
    expect(byTestId(panel.element, "incident-list")).toBeUndefined();
    panel.setItems([item(7, 1)]);
    expect(byTestId(panel.element, "incident-list-empty")).toBeUndefined();
    expect(ids()).toEqual([7]);
    fire(byTestId(panel.element, "incident-list")?.firstElementChild, "click");
    expect(onSelect).toHaveBeenCalledWith(7);
  });

  it("rebuilds the rows in the new language", () => {
    const { panel, languages, row } = panelIn("en");
    panel.setItems([item(1, 1)]);
    const english = row(1);
    const englishMeta = english?.querySelector(".incident-row-meta")?.textContent;
    languages.set("zh-CN");
    panel.relabel();
    expect(row(1)).not.toBe(english);
    expect(row(1)?.querySelector(".incident-row-meta")?.textContent).not.toBe(englishMeta);
  });

  it("patches only the time left when the clock moved on, keeping the row", () => {
    vi.useFakeTimers();
    try {
      vi.setSystemTime(Date.UTC(2026, 2, 2, 9, 0));
      const { panel, row } = panelIn();
      const items = [item(1, 1, { dueAt: new Date(Date.UTC(2026, 2, 2, 10, 0)).toISOString() })];
      panel.setItems(items);
      const first = row(1);
      const meta = () => row(1)?.querySelector(".incident-row-meta")?.textContent;
      const before = meta();
      vi.setSystemTime(Date.UTC(2026, 2, 2, 9, 30));
      panel.setItems(items);
      expect(row(1)).toBe(first);
      expect(meta()).not.toBe(before);
      expect(meta()).toBe("Reported · 30 min left");
    } finally {
      vi.useRealTimers();
    }
  });

  it("lists at most 200 rows, says how many more, and fills a freed place", () => {
    const { panel, ids, row } = panelIn();
    let items = Array.from({ length: 203 }, (_, i) => item(i + 1, i % 50));
    panel.setItems(items);
    expect(ids()).toEqual(expectedOrder(items).slice(0, 200));
    const more = () => [...panel.element.querySelectorAll("p.muted")].map((p) => p.textContent).join();
    expect(more()).toBe("3 more: narrow the filters to see them.");
    const kept = row(expectedOrder(items)[0] ?? 0);
    items = items.filter((i) => i.id !== expectedOrder(items)[1]);
    panel.setItems(items);
    expect(ids()).toEqual(expectedOrder(items).slice(0, 200));
    expect(row(expectedOrder(items)[0] ?? 0)).toBe(kept);
    expect(more()).toBe("2 more: narrow the filters to see them.");
  });
});
