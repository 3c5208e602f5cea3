import { canonicalPlateText, splitColourPrefix } from "./plate-grammar.js";

/**
 * Hotlist matching that tolerates OCR confusions. Each class of characters that cameras
 * mistake for one another maps to one representative, so two plates that differ only by
 * such confusions have the same fuzzy key and an exact map lookup finds them.
 */
export const confusableClasses: readonly string[] = ["0ODQ", "1I7", "8B", "2Z", "5S"];

const representative = new Map<string, string>();
for (const group of confusableClasses) {
  for (const ch of group) representative.set(ch, group.charAt(0));
}

export type MatchLevel = "exact" | "confusable" | "confusable_plus_one";
export const matchLevels: readonly MatchLevel[] = ["exact", "confusable", "confusable_plus_one"];

/** Normalised plate text as stored and compared: half-width, upper case, no separators or colour prefix. */
export function matchablePlate(plate: string): string {
  return splitColourPrefix(canonicalPlateText(plate)).text;
}

/** Canonical form with every confusable class collapsed to its representative. */
export function fuzzyKey(plate: string): string {
  let key = "";
  for (const ch of matchablePlate(plate)) key += representative.get(ch) ?? ch;
  return key;
}

function differsInAtMostOne(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let differences = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && ++differences > 1) return false;
  }
  return true;
}

/**
 * `exact`: same normalised text. `confusable`: same fuzzy key. `confusable_plus_one`: same
 * length and fuzzy keys that differ in at most one position (one substitution of any kind).
 */
export function platesMatch(a: string, b: string, level: MatchLevel): boolean {
  if (level === "exact") return matchablePlate(a) === matchablePlate(b);
  const ka = fuzzyKey(a);
  const kb = fuzzyKey(b);
  if (ka.length === 0 || kb.length === 0) return false;
  return level === "confusable" ? ka === kb : differsInAtMostOne(ka, kb);
}

export interface HotlistMatcherEntry {
  id: string;
  plate: string;
  level: MatchLevel;
}

/** The wildcard never occurs in a normalised plate (separators are stripped). */
const WILDCARD = "\u0000";

function wildcardKeys(key: string): string[] {
  const keys: string[] = [];
  for (let i = 0; i < key.length; i++) keys.push(key.slice(0, i) + WILDCARD + key.slice(i + 1));
  return keys;
}

function addTo(map: Map<string, string[]>, key: string, id: string): void {
  const ids = map.get(key);
  if (ids) ids.push(id);
  else map.set(key, [id]);
}

function removeFrom(map: Map<string, string[]>, key: string, id: string): void {
  const ids = map.get(key);
  if (!ids) return;
  const at = ids.indexOf(id);
  if (at >= 0) ids.splice(at, 1);
  if (ids.length === 0) map.delete(key);
}

/**
 * Answers "which hotlist entries does this read match?" with a handful of map lookups per
 * read, whatever the list size: exact entries by normalised text, confusable entries by
 * fuzzy key, and one-substitution entries by every key with one position wildcarded.
 * A query and an entry within one substitution share at least one such wildcard key.
 */
export class HotlistMatcher {
  private readonly exact = new Map<string, string[]>();
  private readonly confusable = new Map<string, string[]>();
  private readonly plusOne = new Map<string, string[]>();
  private readonly entries = new Map<string, HotlistMatcherEntry>();

  constructor(entries: Iterable<HotlistMatcherEntry> = []) {
    for (const entry of entries) this.add(entry);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Adds an entry, replacing one with the same id. Entries with no plate text are ignored. */
  add(entry: HotlistMatcherEntry): void {
    if (this.entries.has(entry.id)) this.remove(entry.id);
    if (fuzzyKey(entry.plate).length === 0) return;
    this.entries.set(entry.id, { ...entry });
    for (const [map, key] of this.keysOf(entry)) addTo(map, key, entry.id);
  }

  remove(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    for (const [map, key] of this.keysOf(entry)) removeFrom(map, key, id);
    this.entries.delete(id);
    return true;
  }

  /** Ids of the entries the plate matches, each once, in no particular order. */
  match(plate: string): string[] {
    const text = matchablePlate(plate);
    if (text.length === 0) return [];
    const key = fuzzyKey(text);
    const found = new Set<string>(this.exact.get(text));
    for (const id of this.confusable.get(key) ?? []) found.add(id);
    for (const wild of wildcardKeys(key)) {
      for (const id of this.plusOne.get(wild) ?? []) found.add(id);
    }
    return [...found];
  }

  private *keysOf(entry: HotlistMatcherEntry): Generator<[Map<string, string[]>, string]> {
    switch (entry.level) {
      case "exact":
        yield [this.exact, matchablePlate(entry.plate)];
        return;
      case "confusable":
        yield [this.confusable, fuzzyKey(entry.plate)];
        return;
      case "confusable_plus_one":
        for (const wild of wildcardKeys(fuzzyKey(entry.plate))) yield [this.plusOne, wild];
        return;
    }
  }
}
