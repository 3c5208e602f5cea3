import {
  fuzzyKey,
  HotlistMatcher,
  type HotlistMatcherEntry,
  type MatchLevel,
  matchablePlate,
} from "../camera-adapters/src/plates/index.js";
import type { BenchResult } from "./support/bench-types.js";

/**
 * Hotlist matching over 100,000 entries: the indexed HotlistMatcher against a linear scan
 * that compares precomputed keys (the fairest naive baseline). Both must return the same
 * entries for every sampled query, or the run fails.
 */

const ENTRIES = 100_000;
const MATCHER_QUERIES = 50_000;
const NAIVE_QUERIES = 60;
const PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";
const LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ";
const SERIAL = `${LETTERS}0123456789`;
const LEVELS: MatchLevel[] = ["exact", "confusable", "confusable_plus_one"];

function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function pick(rand: () => number, chars: string): string {
  return chars.charAt(Math.floor(rand() * chars.length));
}

function randomPlate(rand: () => number): string {
  let serial = "";
  for (let i = 0; i < 5; i++) serial += pick(rand, SERIAL);
  return `${pick(rand, PROVINCES)}${pick(rand, LETTERS)}${serial}`;
}

/** Half the queries are near-misses of listed plates (one OCR confusion or one other error). */
function makeQueries(entries: HotlistMatcherEntry[], count: number, rand: () => number): string[] {
  const confusions: Record<string, string> = {
    "0": "D",
    "1": "7",
    "8": "B",
    "2": "Z",
    "5": "S",
    B: "8",
    D: "0",
  };
  return Array.from({ length: count }, () => {
    if (rand() < 0.5) return randomPlate(rand);
    const plate = entries[Math.floor(rand() * entries.length)]!.plate;
    const at = 2 + Math.floor(rand() * 5);
    const ch = plate.charAt(at);
    const replacement = rand() < 0.7 ? (confusions[ch] ?? ch) : pick(rand, SERIAL);
    return plate.slice(0, at) + replacement + plate.slice(at + 1);
  });
}

interface Precomputed {
  id: string;
  level: MatchLevel;
  text: string;
  key: string;
}

function naiveMatch(list: Precomputed[], query: string): string[] {
  const text = matchablePlate(query);
  const key = fuzzyKey(text);
  const ids: string[] = [];
  for (const e of list) {
    if (e.level === "exact") {
      if (e.text === text) ids.push(e.id);
    } else if (e.level === "confusable") {
      if (e.key === key) ids.push(e.id);
    } else if (e.key.length === key.length) {
      let diff = 0;
      for (let i = 0; i < key.length && diff < 2; i++) if (e.key[i] !== key[i]) diff++;
      if (diff < 2) ids.push(e.id);
    }
  }
  return ids;
}

function perSecond(count: number, ms: number): number {
  return Math.round((count / ms) * 1000);
}

export async function run(): Promise<BenchResult[]> {
  const rand = seededRandom(20_261_123);
  const entries: HotlistMatcherEntry[] = Array.from({ length: ENTRIES }, (_, i) => ({
    id: `h${i}`,
    plate: randomPlate(rand),
    level: LEVELS[i % LEVELS.length]!,
  }));

  const buildStart = performance.now();
  const matcher = new HotlistMatcher(entries);
  const buildMs = performance.now() - buildStart;
  const precomputed = entries.map((e) => ({ ...e, text: matchablePlate(e.plate), key: fuzzyKey(e.plate) }));

  const queries = makeQueries(entries, MATCHER_QUERIES, rand);
  let hits = 0;
  const matchStart = performance.now();
  for (const q of queries) hits += matcher.match(q).length;
  const matchMs = performance.now() - matchStart;

  const naiveQueries = queries.slice(0, NAIVE_QUERIES);
  const naiveResults: string[][] = [];
  const naiveStart = performance.now();
  for (const q of naiveQueries) naiveResults.push(naiveMatch(precomputed, q));
  const naiveMs = performance.now() - naiveStart;

  naiveQueries.forEach((q, i) => {
    const fast = matcher.match(q).sort().join(",");
    const slow = naiveResults[i]!.sort().join(",");
    if (fast !== slow) throw new Error(`matcher and scan disagree on ${q}: [${fast}] vs [${slow}]`);
  });

  const matcherRate = perSecond(MATCHER_QUERIES, matchMs);
  const naiveRate = perSecond(NAIVE_QUERIES, naiveMs);
  return [
    {
      name: "hotlist match, 100k entries (HotlistMatcher)",
      value: matcherRate,
      unit: "lookups/s",
      baseline: { name: "linear scan over precomputed keys", value: naiveRate },
      ratio: Math.round((matcherRate / naiveRate) * 10) / 10,
      note: `${MATCHER_QUERIES} queries, half near-misses of listed plates, ${hits} hits; results equal the scan's on ${NAIVE_QUERIES} queries`,
    },
    {
      name: "hotlist matcher build, 100k entries",
      value: Math.round(buildMs),
      unit: "ms",
      note: "one third each of exact, confusable and confusable_plus_one entries",
    },
  ];
}
