import type { GeoJSONSourceDiff, Map as MapLibreMap } from "maplibre-gl";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { IncidentItem } from "../../incidents/incident-item.js";
import { IncidentStore } from "../../incidents/incident-store.js";
import { INCIDENT_CLUSTER_SOURCE, INCIDENT_SOURCE } from "./incident-layers.js";
import { LiveIncidentLayer } from "./live-incidents.js";

/** What the layer does to the map: sources' data and diffs, feature-state, by source. */
class FakeMap {
  zoom = 12;
  readonly data = new Map<string, GeoJSON.FeatureCollection>();
  readonly diffs: { source: string; diff: GeoJSONSourceDiff }[] = [];
  readonly state = new Map<string, Record<string, unknown>>();
  stateCalls = 0;
  readonly #zoomListeners: (() => void)[] = [];

  getZoom() {
    return this.zoom;
  }
  on(event: string, listener: () => void) {
    if (event === "zoom") this.#zoomListeners.push(listener);
  }
  off() {}
  addSource(id: string, spec: { data: GeoJSON.FeatureCollection }) {
    this.data.set(id, spec.data);
  }
  addLayer() {}
  getSource(id: string) {
    if (!this.data.has(id)) return undefined;
    return {
      updateData: async (diff: GeoJSONSourceDiff) => {
        this.diffs.push({ source: id, diff });
      },
    };
  }
  setFeatureState(target: { source: string; id: string | number }, state: Record<string, unknown>) {
    this.stateCalls += 1;
    const key = `${target.source}/${target.id}`;
    this.state.set(key, { ...this.state.get(key), ...state });
  }
  stateOf(source: string, id: number) {
    return this.state.get(`${source}/${id}`);
  }
  zoomTo(zoom: number) {
    this.zoom = zoom;
    for (const listener of this.#zoomListeners) listener();
  }
}

// At zoom 12 one screen pixel is 360 / (512 · 2^12) degrees of longitude: 1 and 2 are 10 px
// apart (one cluster), 3 is 400 px away (a point of its own).
const PIXEL_DEG = 360 / (512 * 2 ** 12);
function item(id: number, px: number, changes: Partial<IncidentItem> = {}): IncidentItem {
  return {
    id,
    reference: `R-${id}`,
    cellCode: "G1",
    category: "other",
    priority: "normal",
    state: "reported",
    title: `incident ${id}`,
    lon: 120 + px * PIXEL_DEG,
    lat: 30,
    dueAt: null,
    overdue: false,
    updatedAt: new Date(1).toISOString(),
    reportedAt: null,
    closedAt: null,
    overdueAt: null,
    version: 1,
    allowedActions: null,
    ...changes,
  };
}

function setUp() {
  const map = new FakeMap();
  const store = new IncidentStore();
  const layer = new LiveIncidentLayer(map as unknown as MapLibreMap, store);
  return { map, store, layer };
}

beforeEach(() => {
  vi.stubGlobal("requestAnimationFrame", () => 1);
  vi.stubGlobal("cancelAnimationFrame", () => {});
});
afterEach(() => vi.unstubAllGlobals());

describe("LiveIncidentLayer", () => {
  it("draws near incidents as one cluster and a far one as a point, with their look as feature-state", async () => {
    const { map, store, layer } = setUp();
    store.upsert([item(1, 0), item(2, 10, { priority: "high" }), item(3, 400)]);
    await layer.flush();
    const points = map.diffs.find((d) => d.source === INCIDENT_SOURCE)?.diff;
    const clusters = map.diffs.find((d) => d.source === INCIDENT_CLUSTER_SOURCE)?.diff;
    expect(points?.add?.map((f) => f.id)).toEqual([3]);
    expect(clusters?.add?.map((f) => [f.id, f.properties?.count, f.properties?.label])).toEqual([[1, 2, "2"]]);
    expect(map.stateOf(INCIDENT_SOURCE, 2)).toEqual({ priority: "high", overdue: false });
    expect(map.stateOf(INCIDENT_CLUSTER_SOURCE, 1)).toEqual({ alert: true });
    expect(layer.featureIds.sort()).toEqual([1, 2, 3]);
  });

  it("turns a cluster red when a member becomes overdue, with feature-state only (no worker round trip)", async () => {
    const { map, store, layer } = setUp();
    store.upsert([item(1, 0), item(2, 10), item(3, 400)]);
    await layer.flush();
    expect(map.stateOf(INCIDENT_CLUSTER_SOURCE, 1)).toEqual({ alert: false });
    const diffsBefore = map.diffs.length;
    store.upsert([item(2, 10, { overdue: true, state: "dispatched", updatedAt: new Date(2).toISOString() })]);
    await layer.flush();
    expect(map.stateOf(INCIDENT_CLUSTER_SOURCE, 1)).toEqual({ alert: true });
    expect(map.stateOf(INCIDENT_SOURCE, 2)).toEqual({ priority: "normal", overdue: true });
    // The far point's status change: its own state, nothing sent to the worker either.
    store.upsert([item(3, 400, { priority: "urgent", updatedAt: new Date(2).toISOString() })]);
    await layer.flush();
    expect(map.stateOf(INCIDENT_SOURCE, 3)).toEqual({ priority: "urgent", overdue: false });
    expect(map.diffs.length).toBe(diffsBefore);
  });

  it("sends an added or removed incident as a diff of the source it is drawn in, and nothing else", async () => {
    const { map, store, layer } = setUp();
    store.upsert([item(1, 0), item(2, 10), item(3, 400)]);
    await layer.flush();
    const before = map.diffs.length;
    store.upsert([item(4, 5)]);
    await layer.flush();
    expect(map.diffs.slice(before)).toEqual([
      {
        source: INCIDENT_CLUSTER_SOURCE,
        diff: {
          update: [
            expect.objectContaining({
              id: 1,
              addOrUpdateProperties: [
                { key: "count", value: 3 },
                { key: "label", value: "3" },
              ],
            }),
          ],
        },
      },
    ]);
    store.upsert([item(3, 400, { state: "closed", updatedAt: new Date(2).toISOString() })]);
    await layer.flush();
    expect(map.diffs.at(-1)).toEqual({ source: INCIDENT_SOURCE, diff: { remove: [3] } });
    expect(layer.featureIds).not.toContain(3);
  });

  it("splits clusters into points past the clustering zoom", async () => {
    const { map, store, layer } = setUp();
    store.upsert([item(1, 0), item(2, 10)]);
    await layer.flush();
    map.zoomTo(15.2);
    await layer.flush();
    const [clusters, points] = [INCIDENT_CLUSTER_SOURCE, INCIDENT_SOURCE].map(
      (source) => map.diffs.filter((d) => d.source === source).at(-1)?.diff,
    );
    expect(clusters?.remove).toEqual([1]);
    expect(points?.add?.map((f) => f.id)).toEqual([1, 2]);
  });
});
