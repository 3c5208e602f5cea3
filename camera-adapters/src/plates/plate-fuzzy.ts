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

/**
 * Text canonicalisation leaves unchanged: ASCII upper-case letters, digits and CJK ideographs
 * (no case, no width variant, no separator). Stored plates are already like this, and
 * matching runs for every read, so such text skips the regular-expression passes.
 */
const ALREADY_CANONICAL = /^[A-Z0-9\u4E00-\u9FFF]*$/;

/** Normalised plate text as stored and compared: half-width, upper case, no separators or colour prefix. */
export function matchablePlate(plate: string): string {
  return splitColourPrefix(ALREADY_CANONICAL.test(plate) ? plate : canonicalPlateText(plate)).text;
}

/** Confusable letters and digits → their class's representative, by char code (ASCII only). */
const representativeByCode = new Uint16Array(128);
for (const [ch, rep] of representative) representativeByCode[ch.charCodeAt(0)] = rep.charCodeAt(0);

/** fuzzyKey of text that is already matchable (see matchablePlate). */
function fuzzyKeyOfMatchable(text: string): string {
  let key = "";
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const rep = code < 128 ? representativeByCode[code]! : 0;
    if (rep !== 0 && rep !== code) {
      key += text.slice(from, i) + String.fromCharCode(rep);
      from = i + 1;
    }
  }
  return from === 0 ? text : key + text.slice(from);
}

/** Canonical form with every confusable class collapsed to its representative. */
export function fuzzyKey(plate: string): string {
  return fuzzyKeyOfMatchable(matchablePlate(plate));
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

/**
 * Index keys are 30-bit hashes (small integers: V8 compares them without touching the
 * string they stand for, which in a map of a few hundred thousand keys is what a lookup
 * costs) and every candidate is checked against its entry's text or key, so a collision
 * only costs a comparison. Polynomial, so the hash of a key with one position wildcarded is
 * the key's hash plus one term: no wildcard string is ever built.
 */
const BASE = 0x01000193;
const WILDCARD_CODE = 0; // never in a normalised plate (separators and controls are stripped)

function finish(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  return (x ^ (x >>> 16)) & 0x3fffffff;
}

function polyHash(text: string): number {
  let h = text.length;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, BASE) + text.charCodeAt(i)) | 0;
  return h;
}

const hashOf = (text: string) => finish(polyHash(text));

/** Hash of `key` with position i wildcarded, for every i (last position first). */
function forEachWildcardHash(key: string, visit: (hash: number) => void): void {
  const whole = polyHash(key);
  let power = 1; // BASE^(length-1-i)
  for (let i = key.length - 1; i >= 0; i--) {
    visit(finish((whole + Math.imul(WILDCARD_CODE - key.charCodeAt(i), power)) | 0));
    power = Math.imul(power, BASE);
  }
}

interface Indexed {
  entry: HotlistMatcherEntry;
  /** matchablePlate(entry.plate) */
  text: string;
  /** fuzzyKey(entry.plate) */
  key: string;
}

const FILTER_BITS = 1 << 23;

/**
 * Entries by hash, behind a bitmap of the hashes ever added. Nearly every read matches
 * nothing, and a miss in a map of a few hundred thousand keys is a few cache misses each
 * (nine lookups per read): the bitmap (1 MiB, shared by a matcher's indexes, which stays in
 * cache) answers most of them. Bits are never cleared: a removed entry's bit costs a lookup.
 */
class Index {
  private readonly map = new Map<number, Indexed[]>();

  constructor(
    private readonly filter: Uint32Array,
    private readonly salt: number,
  ) {}

  get(hash: number): Indexed[] | undefined {
    const bit = (hash ^ this.salt) & (FILTER_BITS - 1);
    if ((this.filter[bit >>> 5]! & (1 << (bit & 31))) === 0) return undefined;
    return this.map.get(hash);
  }

  add(hash: number, item: Indexed): void {
    const bit = (hash ^ this.salt) & (FILTER_BITS - 1);
    this.filter[bit >>> 5]! |= 1 << (bit & 31);
    const items = this.map.get(hash);
    if (items) items.push(item);
    else this.map.set(hash, [item]);
  }

  remove(hash: number, item: Indexed): void {
    const items = this.map.get(hash);
    if (!items) return;
    const at = items.indexOf(item);
    if (at >= 0) items.splice(at, 1);
    if (items.length === 0) this.map.delete(hash);
  }
}

/**
 * Answers "which hotlist entries does this read match?" with a handful of map lookups per
 * read, whatever the list size: exact entries by normalised text, confusable entries by
 * fuzzy key, and one-substitution entries by every key with one position wildcarded.
 * A query and an entry within one substitution share at least one such wildcard key.
 */
export class HotlistMatcher {
  private readonly filter = new Uint32Array(FILTER_BITS / 32);
  private readonly exact = new Index(this.filter, 0);
  private readonly confusable = new Index(this.filter, 0x2a5f_49c3);
  private readonly plusOne = new Index(this.filter, 0x15bd_1e99);
  private readonly entries = new Map<string, Indexed>();

  constructor(entries: Iterable<HotlistMatcherEntry> = []) {
    for (const entry of entries) this.add(entry);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Adds an entry, replacing one with the same id. Entries with no plate text are ignored. */
  add(entry: HotlistMatcherEntry): void {
    if (this.entries.has(entry.id)) this.remove(entry.id);
    const text = matchablePlate(entry.plate);
    const key = fuzzyKeyOfMatchable(text);
    if (key.length === 0) return;
    const item: Indexed = { entry: { ...entry }, text, key };
    this.entries.set(entry.id, item);
    this.forEachIndexKey(item, (index, hash) => index.add(hash, item));
  }

  remove(id: string): boolean {
    const item = this.entries.get(id);
    if (!item) return false;
    this.forEachIndexKey(item, (index, hash) => index.remove(hash, item));
    this.entries.delete(id);
    return true;
  }

  /** Ids of the entries the plate matches, each once, in no particular order. */
  match(plate: string): string[] {
    const text = matchablePlate(plate);
    if (text.length === 0) return [];
    const key = fuzzyKeyOfMatchable(text);
    const found: string[] = [];
    for (const item of this.exact.get(hashOf(text)) ?? []) if (item.text === text) found.push(item.entry.id);
    for (const item of this.confusable.get(hashOf(key)) ?? [])
      if (item.key === key) found.push(item.entry.id);
    forEachWildcardHash(key, (hash) => {
      for (const item of this.plusOne.get(hash) ?? [])
        if (differsInAtMostOne(item.key, key)) found.push(item.entry.id);
    });
    // An entry one substitution away shares several wildcard hashes when keys are equal.
    return found.length > 1 ? [...new Set(found)] : found;
  }

  private forEachIndexKey(item: Indexed, visit: (index: Index, hash: number) => void): void {
    switch (item.entry.level) {
      case "exact":
        visit(this.exact, hashOf(item.text));
        return;
      case "confusable":
        visit(this.confusable, hashOf(item.key));
        return;
      case "confusable_plus_one":
        forEachWildcardHash(item.key, (hash) => visit(this.plusOne, hash));
        return;
    }
  }
}
