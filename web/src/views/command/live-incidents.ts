import type { Map as MapLibreMap } from "maplibre-gl";
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
import { addIncidentLayers, INCIDENT_SOURCE, incidentSource } from "./incident-layers.js";

function featureOf(item: IncidentItem): { position: Position; properties: Properties } | null {
  if (item.lon === null || item.lat === null) return null;
  return {
    position: [item.lon, item.lat],
    properties: {
      reference: item.reference,
      title: item.title,
      category: item.category,
      priority: item.priority,
      state: item.state,
      cellCode: item.cellCode,
      overdue: item.overdue,
      high: isHighPriority(item.priority),
    },
  };
}

/**
 * Keeps the map's live incident layer and the cell shading in step with an IncidentStore:
 * every store change becomes a small diff (FeatureIndex) applied with `updateData` on the next
 * frame, and feature-state on the cells whose counts moved. A filter change or a replay step
 * diffs the whole wanted set once instead.
 */
export class LiveIncidentLayer {
  readonly #index = new FeatureIndex("id");
  readonly #counts = new CellCounts();
  #filter: IncidentFilterState = DEFAULT_FILTER;
  #replayAt: number | null = null;
  #frame: number | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #selected: number | null = null;
  #unsubscribe: () => void;
  /** Milliseconds the last `updateData` took until the worker had applied it. */
  lastApplyMs = 0;
  applied = 0;
  /** When (Date.now) each incident first reached the map's source: the latency the tests measure. */
  readonly firstShownAt = new Map<FeatureId, number>();

  constructor(
    private readonly map: MapLibreMap,
    private readonly store: IncidentStore,
    private readonly now: () => number = Date.now,
  ) {
    this.#unsubscribe = store.subscribe((changes) => this.#onChanges(changes));
    this.#rebuild();
    addIncidentLayers(map, this.#index.takeCollection());
    for (const item of store.values()) this.#countsChanged(this.#counts.apply(undefined, item));
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
      const shown = this.#shown(item);
      if (shown) out.push(shown);
    }
    return out;
  }

  get featureIds(): FeatureId[] {
    const ids: FeatureId[] = [];
    for (const item of this.store.values()) if (this.#index.has(item.id)) ids.push(item.id);
    return ids;
  }

  select(id: number | null): void {
    if (this.#selected !== null && this.map.getSource(INCIDENT_SOURCE)) {
      this.map.setFeatureState({ source: INCIDENT_SOURCE, id: this.#selected }, { selected: false });
    }
    this.#selected = id;
    if (id !== null) this.map.setFeatureState({ source: INCIDENT_SOURCE, id }, { selected: true });
  }

  /** Applies pending changes now (tests and the benchmark call this instead of waiting a frame). */
  async flush(): Promise<void> {
    this.#cancelScheduled();
    if (this.#index.clean) return;
    const diff = this.#index.takeDiff();
    const source = incidentSource(this.map);
    if (!source) return;
    const started = performance.now();
    await source.updateData(diff);
    this.lastApplyMs = performance.now() - started;
    this.applied += 1;
    const now = Date.now();
    for (const feature of diff.add ?? []) {
      if (feature.id !== undefined && !this.firstShownAt.has(feature.id))
        this.firstShownAt.set(feature.id, now);
    }
  }

  destroy(): void {
    this.#unsubscribe();
    this.#cancelScheduled();
  }

  #shown(item: IncidentItem): IncidentItem | null {
    if (this.#replayAt !== null) {
      const then = itemAt(item, this.#replayAt);
      return then && matchesFilter(then, { ...this.#filter, status: "all", time: "all" }, this.#replayAt)
        ? then
        : null;
    }
    return matchesFilter(item, this.#filter, this.now()) ? item : null;
  }

  #rebuild(): void {
    const wanted = new Map<FeatureId, { position: Position; properties: Properties }>();
    for (const item of this.store.values()) {
      const shown = this.#shown(item);
      const feature = shown ? featureOf(shown) : null;
      if (feature) wanted.set(item.id, feature);
    }
    this.#index.replaceAll(wanted);
  }

  #onChanges(changes: readonly StoreChange[]): void {
    for (const change of changes) {
      this.#countsChanged(this.#counts.apply(change.before, change.after));
      const shown = change.after ? this.#shown(change.after) : null;
      const feature = shown ? featureOf(shown) : null;
      if (feature) this.#index.set(change.id, feature.position, feature.properties);
      else this.#index.delete(change.id);
    }
    this.#schedule();
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
