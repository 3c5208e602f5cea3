import type { GeoJSONSourceDiff, Map as MapLibreMap } from "maplibre-gl";
import { CellCounts } from "../../incidents/cell-counts.js";
import {
  DEFAULT_FILTER,
  type IncidentFilterState,
  itemAt,
  matchesFilter,
} from "../../incidents/incident-filter.js";
import { type IncidentItem, isHighPriority } from "../../incidents/incident-item.js";
import type { IncidentStore, StoreChange } from "../../incidents/incident-store.js";
import { setStaticState } from "../../layers/feature-state.js";
import { SOURCE } from "../../layers/ids.js";
import { type FeatureId, FeatureIndex, type Position, type Properties } from "../../sources/feature-index.js";
import {
  abbreviatedCount,
  type Clustering,
  clusterPoints,
  NO_CLUSTERS,
} from "../../sources/point-clusters.js";
import {
  addIncidentLayers,
  CLUSTER_MAX_ZOOM,
  CLUSTER_RADIUS_PX,
  type ClusterState,
  INCIDENT_CLUSTER_SOURCE,
  INCIDENT_SOURCE,
  type IncidentPointState,
  incidentClusterSource,
  incidentSource,
} from "./incident-layers.js";

/** What the map needs of a shown incident: where, and what its feature-state shows. */
interface ShownIncident {
  lon: number;
  lat: number;
  priority: string;
  overdue: boolean;
}

function shownOf(item: IncidentItem): ShownIncident | null {
  if (item.lon === null || item.lat === null) return null;
  return { lon: item.lon, lat: item.lat, priority: item.priority, overdue: item.overdue };
}

const isEmptyDiff = (diff: GeoJSONSourceDiff) => !diff.add && !diff.remove && !diff.update;

const alerting = (shown: ShownIncident | undefined) =>
  shown !== undefined && (shown.overdue || isHighPriority(shown.priority));

/** The zoom the map clusters at now: its whole zoom, or null from CLUSTER_MAX_ZOOM + 1 on (points only). */
export function clusterZoomOf(zoom: number): number | null {
  const whole = Math.floor(zoom);
  return whole <= CLUSTER_MAX_ZOOM ? whole : null;
}

/**
 * Keeps the map's live incident layers and the cell shading in step with an IncidentStore
 * (decision 0128). Clustering runs here, on the main thread, at the map's whole zoom
 * (`clusterPoints`), into two plain GeoJSON sources: the incidents drawn as points and the
 * clusters. What a status change alters (priority colour, overdue ring, a cluster's red signal)
 * is feature-state, set at once: no worker round trip, no tile rebuilt. Only an incident that
 * appears, disappears or moves (or a zoom past a whole level) changes the sources' features:
 * a small diff (FeatureIndex) applied with `updateData` on the next frame, which MapLibre
 * rebuilds only the tiles it touches for. A filter change or a replay step diffs the whole
 * wanted set once.
 */
export class LiveIncidentLayer {
  readonly #shown = new Map<number, ShownIncident>();
  readonly #points = new FeatureIndex("id");
  readonly #clusterIndex = new FeatureIndex("key");
  readonly #counts = new CellCounts();
  #clustering: Clustering = NO_CLUSTERS;
  /** The zoom the current clustering is for (null: none, points only). */
  #clusterZoom: number | null = null;
  /** An incident appeared, disappeared or moved since the last clustering. */
  #geometryDirty = true;
  /** Incidents whose feature-state (priority, overdue) is not yet on the map. */
  readonly #stateDirty = new Set<number>();
  /** Some incident's priority or overdue changed: clusters' red signals to recheck. */
  #alertsDirty = true;
  /** The `alert` state each cluster on the map has. */
  readonly #alertShown = new Map<number, boolean>();
  /** Shown since the last flush: stamped into firstShownAt once the sources have them. */
  readonly #newlyShown = new Set<number>();
  #filter: IncidentFilterState = DEFAULT_FILTER;
  #replayAt: number | null = null;
  #frame: number | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #selected: number | null = null;
  #unsubscribe: () => void;
  readonly #onZoom = () => {
    if (clusterZoomOf(this.map.getZoom()) !== this.#clusterZoom) this.#schedule();
  };
  /** Milliseconds the last flush took until the worker had applied its diffs (0: state only). */
  lastApplyMs = 0;
  applied = 0;
  /** When (Date.now) each incident first reached the map's sources: the latency the tests measure. */
  readonly firstShownAt = new Map<FeatureId, number>();

  constructor(
    private readonly map: MapLibreMap,
    private readonly store: IncidentStore,
    private readonly now: () => number = Date.now,
  ) {
    this.#unsubscribe = store.subscribe((changes) => this.#onChanges(changes));
    this.#rebuild();
    this.#recluster();
    addIncidentLayers(map, this.#points.takeCollection(), this.#clusterIndex.takeCollection());
    this.#applyState();
    this.#stampShown(this.#newlyShown);
    this.#newlyShown.clear();
    for (const item of store.values()) this.#countsChanged(this.#counts.apply(undefined, item));
    map.on("zoom", this.#onZoom);
  }

  get filter(): IncidentFilterState {
    return this.#filter;
  }

  get replayAt(): number | null {
    return this.#replayAt;
  }

  setFilter(filter: IncidentFilterState): void {
    this.#filter = filter;
    this.#rebuild();
    this.#schedule();
  }

  /** Shows the incidents as they stood at `at` (null: back to live). */
  setReplay(at: number | null): void {
    this.#replayAt = at;
    this.#rebuild();
    this.#schedule();
  }

  /** The items the map shows now, for the list beside it. */
  visible(): IncidentItem[] {
    const out: IncidentItem[] = [];
    for (const item of this.store.values()) {
      const shown = this.#shownItem(item);
      if (shown) out.push(shown);
    }
    return out;
  }

  /** Incidents on the map's sources, as points or in clusters. */
  get featureIds(): FeatureId[] {
    const ids: FeatureId[] = [];
    for (const item of this.store.values()) if (this.#shown.has(item.id)) ids.push(item.id);
    return ids;
  }

  select(id: number | null): void {
    if (this.#selected !== null && this.map.getSource(INCIDENT_SOURCE)) {
      this.map.setFeatureState({ source: INCIDENT_SOURCE, id: this.#selected }, { selected: false });
    }
    this.#selected = id;
    if (id !== null) this.map.setFeatureState({ source: INCIDENT_SOURCE, id }, { selected: true });
  }

  /** The cluster `key` on the map now: its members' extent, to zoom to on a click. */
  clusterBounds(key: number): [[number, number], [number, number]] | null {
    const cluster = this.#clustering.clusters.find((c) => c.key === key);
    if (!cluster) return null;
    const members = cluster.members.flatMap((id) => this.#shown.get(id) ?? []);
    if (members.length === 0) return null;
    const lons = members.map((m) => m.lon);
    const lats = members.map((m) => m.lat);
    return [
      [Math.min(...lons), Math.min(...lats)],
      [Math.max(...lons), Math.max(...lats)],
    ];
  }

  /**
   * Applies pending changes now (tests and the benchmark call this instead of waiting a frame):
   * feature-state at once, then the sources' diffs, resolved when the worker applied them.
   */
  async flush(): Promise<void> {
    this.#cancelScheduled();
    const zoom = clusterZoomOf(this.map.getZoom());
    if (zoom !== this.#clusterZoom) this.#geometryDirty = true;
    if (this.#geometryDirty) this.#recluster();
    this.#applyState();
    const shownNow = [...this.#newlyShown];
    this.#newlyShown.clear();
    const pending: Promise<void>[] = [];
    // A reclustering marks every feature; only what actually changed goes to the worker.
    const points = incidentSource(this.map);
    const pointsDiff = this.#points.takeDiff();
    if (points && !isEmptyDiff(pointsDiff)) pending.push(points.updateData(pointsDiff));
    const clusters = incidentClusterSource(this.map);
    const clustersDiff = this.#clusterIndex.takeDiff();
    if (clusters && !isEmptyDiff(clustersDiff)) pending.push(clusters.updateData(clustersDiff));
    if (pending.length > 0) {
      const started = performance.now();
      await Promise.all(pending);
      this.lastApplyMs = performance.now() - started;
      this.applied += 1;
    }
    this.#stampShown(shownNow);
  }

  destroy(): void {
    this.#unsubscribe();
    this.#cancelScheduled();
    this.map.off("zoom", this.#onZoom);
  }

  #shownItem(item: IncidentItem): IncidentItem | null {
    if (this.#replayAt !== null) {
      const then = itemAt(item, this.#replayAt);
      return then && matchesFilter(then, { ...this.#filter, status: "all", time: "all" }, this.#replayAt)
        ? then
        : null;
    }
    return matchesFilter(item, this.#filter, this.now()) ? item : null;
  }

  /** Records what incident `id` now shows (null: nothing) and which kind of update that needs. */
  #setShown(id: number, next: ShownIncident | null): void {
    const before = this.#shown.get(id);
    if (!next) {
      if (!before) return;
      this.#shown.delete(id);
      this.#newlyShown.delete(id);
      this.#geometryDirty = true;
      this.#alertsDirty = true;
      return;
    }
    this.#shown.set(id, next);
    if (!before) this.#newlyShown.add(id);
    if (!before || before.lon !== next.lon || before.lat !== next.lat) this.#geometryDirty = true;
    if (!before || before.priority !== next.priority || before.overdue !== next.overdue) {
      this.#stateDirty.add(id);
      this.#alertsDirty = true;
    }
  }

  #rebuild(): void {
    const seen = new Set<number>();
    for (const item of this.store.values()) {
      const shown = this.#shownItem(item);
      const next = shown ? shownOf(shown) : null;
      this.#setShown(item.id, next);
      if (next) seen.add(item.id);
    }
    for (const id of [...this.#shown.keys()]) if (!seen.has(id)) this.#setShown(id, null);
  }

  #onChanges(changes: readonly StoreChange[]): void {
    for (const change of changes) {
      this.#countsChanged(this.#counts.apply(change.before, change.after));
      const shown = change.after ? this.#shownItem(change.after) : null;
      this.#setShown(change.id, shown ? shownOf(shown) : null);
    }
    this.#schedule();
  }

  /** Clusters the shown incidents at the map's zoom; the two sources' wanted features follow. */
  #recluster(): void {
    this.#clusterZoom = clusterZoomOf(this.map.getZoom());
    this.#clustering =
      this.#clusterZoom === null
        ? NO_CLUSTERS
        : clusterPoints(
            [...this.#shown].map(([id, s]) => ({ id, lon: s.lon, lat: s.lat })),
            this.#clusterZoom,
            CLUSTER_RADIUS_PX,
          );
    const points = new Map<FeatureId, { position: Position; properties: Properties }>();
    for (const [id, s] of this.#shown) {
      if (!this.#clustering.clusterOf.has(id)) points.set(id, { position: [s.lon, s.lat], properties: {} });
    }
    const clusters = new Map<FeatureId, { position: Position; properties: Properties }>();
    for (const c of this.#clustering.clusters) {
      const count = c.members.length;
      clusters.set(c.key, {
        position: [c.lon, c.lat],
        properties: { count, label: abbreviatedCount(count) },
      });
    }
    this.#points.replaceAll(points);
    this.#clusterIndex.replaceAll(clusters);
    this.#geometryDirty = false;
    this.#alertsDirty = true;
  }

  /** Feature-state for the incidents whose look changed, and for clusters whose red signal did. */
  #applyState(): void {
    if (this.map.getSource(INCIDENT_SOURCE)) {
      for (const id of this.#stateDirty) {
        const shown = this.#shown.get(id);
        if (!shown) continue;
        const state: IncidentPointState = { priority: shown.priority, overdue: shown.overdue };
        this.map.setFeatureState({ source: INCIDENT_SOURCE, id }, { ...state });
      }
      this.#stateDirty.clear();
    }
    if (!this.#alertsDirty || !this.map.getSource(INCIDENT_CLUSTER_SOURCE)) return;
    const keys = new Set<number>();
    for (const cluster of this.#clustering.clusters) {
      keys.add(cluster.key);
      const state: ClusterState = { alert: cluster.members.some((id) => alerting(this.#shown.get(id))) };
      if (this.#alertShown.get(cluster.key) === state.alert) continue;
      this.map.setFeatureState({ source: INCIDENT_CLUSTER_SOURCE, id: cluster.key }, { ...state });
      this.#alertShown.set(cluster.key, state.alert);
    }
    // A key that comes back later (its first member shown again) gets its state set anew.
    for (const key of [...this.#alertShown.keys()]) if (!keys.has(key)) this.#alertShown.delete(key);
    this.#alertsDirty = false;
  }

  #stampShown(ids: Iterable<number>): void {
    const now = Date.now();
    for (const id of ids) if (!this.firstShownAt.has(id)) this.firstShownAt.set(id, now);
  }

  #countsChanged(cellCodes: readonly string[]): void {
    for (const code of cellCodes) setStaticState(this.map, SOURCE.cells, code, { ...this.#counts.get(code) });
  }

  #schedule(): void {
    if (this.#frame !== null || this.#timer !== null) return;
    // A frame normally; the timer covers a hidden tab, where frames stop.
    this.#frame = requestAnimationFrame(() => void this.flush());
    this.#timer = setTimeout(() => void this.flush(), 100);
  }

  #cancelScheduled(): void {
    if (this.#frame !== null) cancelAnimationFrame(this.#frame);
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#frame = null;
    this.#timer = null;
  }
}
