import type { GeoJSONFeatureDiff, GeoJSONSourceDiff } from "maplibre-gl";

export type FeatureId = string | number;
export type Position = readonly [number, number];
export type Properties = Readonly<Record<string, string | number | boolean | null>>;

interface Entry {
  position: Position;
  properties: Properties;
}

const samePosition = (a: Position, b: Position) => a[0] === b[0] && a[1] === b[1];

/**
 * The point features of one live GeoJSON source, and what the map's copy lacks. Changes are
 * recorded per id; `takeDiff()` turns the ids touched since the last call into one
 * `GeoJSONSourceDiff` (adds, removes, and for existing features only the properties that
 * changed), so a live event costs work proportional to what it changed, not to the layer.
 * Pure: no map, no DOM; the caller passes the diff to `GeoJSONSource.updateData`.
 */
export class FeatureIndex {
  /** What the features should be now. */
  readonly #wanted = new Map<FeatureId, Entry>();
  /** What the map's source has (as of the last diff taken). */
  readonly #inSource = new Map<FeatureId, Entry>();
  readonly #dirty = new Set<FeatureId>();

  constructor(private readonly idProperty: string) {}

  get size(): number {
    return this.#wanted.size;
  }

  has(id: FeatureId): boolean {
    return this.#wanted.has(id);
  }

  set(id: FeatureId, position: Position, properties: Properties): void {
    this.#wanted.set(id, { position, properties: { ...properties, [this.idProperty]: id } });
    this.#dirty.add(id);
  }

  delete(id: FeatureId): void {
    if (this.#wanted.delete(id)) this.#dirty.add(id);
  }

  /** Makes the wanted set exactly `features` (a filter change, a replay step): only differences are marked. */
  replaceAll(features: ReadonlyMap<FeatureId, { position: Position; properties: Properties }>): void {
    for (const id of this.#wanted.keys()) if (!features.has(id)) this.delete(id);
    for (const [id, feature] of features) this.set(id, feature.position, feature.properties);
  }

  /** True when the source already matches. */
  get clean(): boolean {
    return this.#dirty.size === 0;
  }

  /** The diff that brings the map's source to the wanted state; the index then assumes it was applied. */
  takeDiff(): GeoJSONSourceDiff {
    const add: GeoJSON.Feature[] = [];
    const remove: FeatureId[] = [];
    const update: GeoJSONFeatureDiff[] = [];
    for (const id of this.#dirty) {
      const wanted = this.#wanted.get(id);
      const current = this.#inSource.get(id);
      if (wanted && !current) add.push(this.#feature(id, wanted));
      else if (!wanted && current) remove.push(id);
      else if (wanted && current) {
        const change = featureChange(id, current, wanted);
        if (change) update.push(change);
      }
      if (wanted) this.#inSource.set(id, wanted);
      else this.#inSource.delete(id);
    }
    this.#dirty.clear();
    const diff: GeoJSONSourceDiff = {};
    if (remove.length > 0) diff.remove = remove;
    if (add.length > 0) diff.add = add;
    if (update.length > 0) diff.update = update;
    return diff;
  }

  /** The full collection (the source's initial data). Marks everything as applied. */
  takeCollection(): GeoJSON.FeatureCollection {
    this.#dirty.clear();
    this.#inSource.clear();
    const features: GeoJSON.Feature[] = [];
    for (const [id, entry] of this.#wanted) {
      this.#inSource.set(id, entry);
      features.push(this.#feature(id, entry));
    }
    return { type: "FeatureCollection", features };
  }

  #feature(id: FeatureId, entry: Entry): GeoJSON.Feature {
    return {
      type: "Feature",
      id,
      geometry: { type: "Point", coordinates: [entry.position[0], entry.position[1]] },
      properties: { ...entry.properties },
    };
  }
}

function featureChange(id: FeatureId, before: Entry, after: Entry): GeoJSONFeatureDiff | null {
  const change: GeoJSONFeatureDiff = { id };
  let changed = false;
  if (!samePosition(before.position, after.position)) {
    change.newGeometry = { type: "Point", coordinates: [after.position[0], after.position[1]] };
    changed = true;
  }
  const set: { key: string; value: unknown }[] = [];
  for (const [key, value] of Object.entries(after.properties)) {
    if (before.properties[key] !== value) set.push({ key, value });
  }
  const removed = Object.keys(before.properties).filter((key) => !Object.hasOwn(after.properties, key));
  if (set.length > 0) {
    change.addOrUpdateProperties = set;
    changed = true;
  }
  if (removed.length > 0) {
    change.removeProperties = removed;
    changed = true;
  }
  return changed ? change : null;
}
