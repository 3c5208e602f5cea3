import { describe, expect, it } from "vitest";
import {
  fuzzyKey,
  HotlistMatcher,
  type HotlistMatcherEntry,
  type MatchLevel,
  matchablePlate,
  platesMatch,
} from "./plate-fuzzy.js";
import { canonicalPlateText, splitColourPrefix } from "./plate-grammar.js";

/** Deterministic pseudo-random numbers in [0, 1). */
function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe("fuzzyKey", () => {
  it("collapses each confusable class to one representative", () => {
    expect(fuzzyKey("京A0ODQ")).toBe("京A0000");
    expect(fuzzyKey("1I7")).toBe("111");
    expect(fuzzyKey("8B2Z5S")).toBe("882255");
  });

  it("normalises before keying, so separators, case and full width do not matter", () => {
    expect(fuzzyKey("京a·8b25s")).toBe(fuzzyKey("京A8825S"));
    expect(fuzzyKey("京a·8b25s")).toBe("京A88255");
    expect(fuzzyKey("蓝京Ａ１２３４５")).toBe(fuzzyKey("京A12345"));
  });

  it("leaves other characters alone", () => {
    expect(fuzzyKey("粤XYWK9")).toBe("粤XYWK9");
  });
});

describe("matchablePlate", () => {
  it("gives what canonicalisation and the colour prefix split give, for canonical text or not", () => {
    const rand = seeded(7);
    const alphabet = [
      "京",
      "蓝",
      "黄",
      "绿",
      "A",
      "b",
      "0",
      "O",
      "Ｑ",
      "·",
      " ",
      "-",
      "警",
      "ß",
      "é",
      "\u3000",
    ];
    for (let n = 0; n < 2000; n++) {
      const plate = Array.from(
        { length: Math.floor(rand() * 9) },
        () => alphabet[Math.floor(rand() * alphabet.length)],
      ).join("");
      expect(matchablePlate(plate)).toBe(splitColourPrefix(canonicalPlateText(plate)).text);
    }
  });
});

describe("platesMatch", () => {
  const cases: [string, string, MatchLevel, boolean][] = [
    ["京A12345", "京A12345", "exact", true],
    ["京A12345", "京a·12345", "exact", true],
    ["京A12345", "京AI2345", "exact", false],
    ["京A12345", "京AI2345", "confusable", true],
    ["京AB0D85", "京A8Q085", "confusable", true],
    ["京A12345", "京A12346", "confusable", false],
    ["京A12345", "京A12346", "confusable_plus_one", true],
    ["京A12345", "京AI2346", "confusable_plus_one", true],
    ["京A12345", "京A12366", "confusable_plus_one", false],
    ["京A12345", "京A1234", "confusable_plus_one", false],
    ["", "", "confusable", false],
  ];
  it.each(cases)("%s vs %s at %s → %s", (a, b, level, expected) => {
    expect(platesMatch(a, b, level)).toBe(expected);
    expect(platesMatch(b, a, level)).toBe(expected);
  });
});

describe("HotlistMatcher", () => {
  const entries: HotlistMatcherEntry[] = [
    { id: "exact-1", plate: "京A12345", level: "exact" },
    { id: "conf-1", plate: "沪B8S2Z0", level: "confusable" },
    { id: "plus-1", plate: "粤B12345", level: "confusable_plus_one" },
    { id: "plus-2", plate: "粤B12346", level: "confusable_plus_one" },
  ];
  const matcher = new HotlistMatcher(entries);

  it("matches each level as platesMatch does", () => {
    expect(matcher.match("京A12345")).toEqual(["exact-1"]);
    expect(matcher.match("京AI2345")).toEqual([]);
    expect(matcher.match("沪BB5220")).toEqual(["conf-1"]);
    expect(matcher.match("沪BB5221")).toEqual([]);
    expect(matcher.match("粤BI2345").sort()).toEqual(["plus-1", "plus-2"]);
    expect(matcher.match("粤B12399")).toEqual([]);
    expect(matcher.match("")).toEqual([]);
  });

  it("agrees with a linear scan over random plates", () => {
    const alphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZODI";
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const plate = () => `苏${Array.from({ length: 4 }, () => alphabet[Math.floor(rand() * 12)]).join("")}`;
    const levels: MatchLevel[] = ["exact", "confusable", "confusable_plus_one"];
    const list = Array.from({ length: 400 }, (_, i) => ({
      id: `e${i}`,
      plate: plate(),
      level: levels[i % 3]!,
    }));
    const m = new HotlistMatcher(list);
    for (let q = 0; q < 300; q++) {
      const query = plate();
      const expected = list.filter((e) => platesMatch(query, e.plate, e.level)).map((e) => e.id);
      expect(m.match(query).sort()).toEqual(expected.sort());
    }
  });

  it("agrees with a linear scan over a larger list of mixed lengths, after removals", () => {
    const rand = seeded(1234);
    const alphabet = "京沪粤0123456789ABDIOQSZ8";
    const plate = () =>
      Array.from(
        { length: 3 + Math.floor(rand() * 5) },
        () => alphabet[Math.floor(rand() * alphabet.length)],
      ).join("");
    const levels: MatchLevel[] = ["exact", "confusable", "confusable_plus_one"];
    const list = Array.from({ length: 3000 }, (_, i) => ({
      id: `e${i}`,
      plate: plate(),
      level: levels[i % 3]!,
    }));
    const m = new HotlistMatcher(list);
    const kept = list.filter((_, i) => i % 5 !== 0);
    for (const [i, e] of list.entries()) if (i % 5 === 0) m.remove(e.id);
    for (let q = 0; q < 1000; q++) {
      const query = plate();
      const expected = kept.filter((e) => platesMatch(query, e.plate, e.level)).map((e) => e.id);
      expect(m.match(query).sort()).toEqual(expected.sort());
    }
  });

  it("adds, replaces and removes entries", () => {
    const m = new HotlistMatcher();
    m.add({ id: "x", plate: "京A12345", level: "exact" });
    expect(m.match("京A12345")).toEqual(["x"]);
    m.add({ id: "x", plate: "京B12345", level: "exact" });
    expect(m.match("京A12345")).toEqual([]);
    expect(m.match("京B12345")).toEqual(["x"]);
    expect(m.remove("x")).toBe(true);
    expect(m.remove("x")).toBe(false);
    expect(m.match("京B12345")).toEqual([]);
    expect(m.size).toBe(0);
  });
});
