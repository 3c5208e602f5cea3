import { describe, expect, it } from "vitest";
import { CellCounts } from "./cell-counts.js";
import { itemAt, matchesFilter } from "./incident-filter.js";
import { type IncidentItem, itemFromSummary } from "./incident-item.js";
import { IncidentStore } from "./incident-store.js";

const item = (over: Partial<IncidentItem> = {}): IncidentItem => ({
  id: 1,
  reference: "INC-000001",
  cellCode: "G1",
  category: "traffic.congestion",
  priority: "normal",
  state: "reported",
  title: "Congestion",
  lon: 120,
  lat: 30,
  dueAt: null,
  overdue: false,
  updatedAt: "2026-03-01T10:00:00Z",
  reportedAt: "2026-03-01T10:00:00Z",
  closedAt: null,
  overdueAt: null,
  version: 1,
  allowedActions: ["register"],
  ...over,
});

describe("IncidentStore", () => {
  it("ignores an update older than what it holds and reports real changes once per batch", () => {
    const store = new IncidentStore();
    const seen: number[] = [];
    store.subscribe((changes) => seen.push(changes.length));
    store.upsert([item({ updatedAt: "2026-03-01T10:05:00Z", state: "registered" })]);
    expect(store.upsert([item({ updatedAt: "2026-03-01T10:00:00Z" })])).toEqual([]);
    expect(store.get(1)?.state).toBe("registered");
    expect(seen).toEqual([1]);
  });

  it("replaceAll reports removed ids", () => {
    const store = new IncidentStore();
    store.upsert([item(), item({ id: 2 })]);
    const changes = store.replaceAll([item({ id: 2 })]);
    expect(changes.filter((c) => c.after === undefined).map((c) => c.id)).toEqual([1]);
  });
});

describe("itemFromSummary", () => {
  const summary = {
    id: 1,
    reference: "INC-000001",
    cellCode: "G1",
    category: "traffic.congestion",
    priority: "normal",
    title: "Congestion",
    location: { lon: 120, lat: 30 },
    dueAt: null,
    overdue: false,
    overdueAt: null,
    reportedAt: "2026-03-01T09:00:00Z",
    closedAt: null,
    version: 2,
    updatedAt: "2026-03-01T10:01:00Z",
  };

  it("takes times and version from the summary, keeps allowed actions while the state stays", () => {
    const before = item({ allowedActions: ["register"] });
    const same = itemFromSummary({ ...summary, state: "reported" }, before);
    expect(same).toMatchObject({ version: 2, reportedAt: "2026-03-01T09:00:00Z", closedAt: null });
    expect(same.allowedActions).toEqual(["register"]);
    const moved = itemFromSummary({ ...summary, state: "registered", version: 3 }, before);
    expect(moved.version).toBe(3);
    expect(moved.allowedActions).toBeNull();
  });

  it("carries closing and overdue times, so a replay of a live-only incident is right", () => {
    const closed = itemFromSummary({
      ...summary,
      state: "closed",
      closedAt: "2026-03-01T11:00:00Z",
      overdue: true,
      overdueAt: "2026-03-01T10:30:00Z",
    });
    expect(itemAt(closed, Date.parse("2026-03-01T10:45:00Z"))).toMatchObject({ overdue: true });
    expect(itemAt(closed, Date.parse("2026-03-01T11:00:00Z"))).toBeNull();
    expect(itemAt(closed, Date.parse("2026-03-01T08:59:00Z"))).toBeNull();
  });
});

describe("filters and replay", () => {
  const now = Date.parse("2026-03-01T12:00:00Z");
  it("filters by top-level category, status and time window", () => {
    const i = item();
    expect(matchesFilter(i, { category: "traffic", status: "open", time: "all" }, now)).toBe(true);
    expect(matchesFilter(i, { category: "fire_risk", status: "open", time: "all" }, now)).toBe(false);
    expect(matchesFilter(i, { category: "", status: "overdue", time: "all" }, now)).toBe(false);
    expect(matchesFilter(i, { category: "", status: "all", time: "1h" }, now)).toBe(false);
    expect(matchesFilter(i, { category: "", status: "all", time: "24h" }, now)).toBe(true);
    expect(matchesFilter(item({ state: "closed" }), { category: "", status: "open", time: "all" }, now)).toBe(
      false,
    );
  });

  it("shows an incident at a past time only between reporting and closing, overdue once it was", () => {
    const closed = item({
      state: "closed",
      closedAt: "2026-03-01T11:00:00Z",
      overdueAt: "2026-03-01T10:30:00Z",
    });
    expect(itemAt(closed, Date.parse("2026-03-01T09:59:00Z"))).toBeNull();
    expect(itemAt(closed, Date.parse("2026-03-01T10:10:00Z"))?.overdue).toBe(false);
    expect(itemAt(closed, Date.parse("2026-03-01T10:40:00Z"))?.overdue).toBe(true);
    expect(itemAt(closed, Date.parse("2026-03-01T11:00:00Z"))).toBeNull();
  });
});

describe("CellCounts", () => {
  it("moves counts with each change and names the cells touched", () => {
    const counts = new CellCounts();
    expect(counts.apply(undefined, item())).toEqual(["G1"]);
    expect(counts.apply(undefined, item({ id: 2, overdue: true }))).toEqual(["G1"]);
    expect(counts.get("G1")).toEqual({ open: 2, overdue: 1 });
    expect(
      counts.apply(item({ id: 2, overdue: true }), item({ id: 2, cellCode: "G2", overdue: true })),
    ).toEqual(["G1", "G2"]);
    expect(counts.apply(item(), item({ state: "closed" }))).toEqual(["G1"]);
    expect(counts.get("G1")).toEqual({ open: 0, overdue: 0 });
    expect(counts.get("G2")).toEqual({ open: 1, overdue: 1 });
  });
});

describe("IncidentStore.replaceAll with overlapping lists", () => {
  it("reports each id once", () => {
    const store = new IncidentStore();
    const changes = store.replaceAll([
      item({ id: 5 }),
      item({ id: 6 }),
      item({ id: 5, state: "registered" }),
    ]);
    expect(changes.map((c) => c.id).sort()).toEqual([5, 6]);
    expect(store.get(5)?.state).toBe("registered");
  });
});
