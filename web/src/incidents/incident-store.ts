import type { IncidentItem } from "./incident-item.js";

export type StoreChange = { id: number; before: IncidentItem | undefined; after: IncidentItem | undefined };

/**
 * The incidents a view knows, by id. An update older than what is held (by `updatedAt`) is
 * ignored, so a REST reload racing a live event never rolls an incident back.
 */
export class IncidentStore {
  readonly #items = new Map<number, IncidentItem>();
  readonly #listeners = new Set<(changes: readonly StoreChange[]) => void>();

  get size(): number {
    return this.#items.size;
  }

  get(id: number): IncidentItem | undefined {
    return this.#items.get(id);
  }

  values(): IterableIterator<IncidentItem> {
    return this.#items.values();
  }

  /** Applies items and tells listeners what changed (once for the whole batch). */
  upsert(items: readonly IncidentItem[]): StoreChange[] {
    const changes: StoreChange[] = [];
    for (const item of items) {
      const before = this.#items.get(item.id);
      if (before && Date.parse(before.updatedAt) > Date.parse(item.updatedAt)) continue;
      this.#items.set(item.id, item);
      changes.push({ id: item.id, before, after: item });
    }
    this.#emit(changes);
    return changes;
  }

  /** Replaces everything (a full reload); ids no longer present are reported as removed. A repeated id keeps its last item. */
  replaceAll(items: readonly IncidentItem[]): StoreChange[] {
    const changes: StoreChange[] = [];
    const next = new Map(items.map((item) => [item.id, item]));
    for (const [id, before] of this.#items) {
      if (!next.has(id)) changes.push({ id, before, after: undefined });
    }
    for (const item of next.values())
      changes.push({ id: item.id, before: this.#items.get(item.id), after: item });
    this.#items.clear();
    for (const [id, item] of next) this.#items.set(id, item);
    this.#emit(changes);
    return changes;
  }

  subscribe(listener: (changes: readonly StoreChange[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(changes: readonly StoreChange[]): void {
    if (changes.length === 0) return;
    for (const listener of this.#listeners) listener(changes);
  }
}
