import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/errors.js";
import { translatorFor, viewTranslator } from "../../i18n/i18n.js";
import { cellsMessages } from "./cells.messages.js";
import { cellsErrorMessage } from "./cells-host.js";
import { generateRequest } from "./generate-rules.js";
import { importStep, pollDelayMs, progressPercent, shortList } from "./import-rules.js";
import { assignableUsers, parseUserId } from "./people-rules.js";
import { previewFeatures } from "./preview-layers.js";

const user = (userId: number, username: string) => ({
  userId,
  username,
  displayName: username.toUpperCase(),
});
const person = (id: number) => ({
  user_id: id,
  username: `u${id}`,
  display_name: `U${id}`,
  since: "2026-01-01T00:00:00Z",
});

describe("assignableUsers", () => {
  const offered = [user(3, "worker1"), user(1, "leader1"), user(2, "leader2")];
  it("offers the server's candidates except the current leader and workers, by name", () => {
    const people = { leader: person(1), workers: [person(3)] };
    expect(assignableUsers(offered, people).map((u) => u.username)).toEqual(["leader2"]);
    expect(assignableUsers(offered, { leader: null, workers: [] }).map((u) => u.userId)).toEqual([1, 2, 3]);
  });
});

describe("parseUserId", () => {
  it("takes positive whole numbers only", () => {
    expect(parseUserId(" 12 ")).toBe(12);
    expect(parseUserId("0")).toBeNull();
    expect(parseUserId("1.5")).toBeNull();
    expect(parseUserId("")).toBeNull();
    expect(parseUserId("abc")).toBeNull();
  });
});

describe("generateRequest", () => {
  const form = { shape: "square" as const, size: "250", resolution: "", namePrefix: "  Block " };
  it("builds a square/hexagon request with the size in metres and a trimmed prefix", () => {
    expect(generateRequest(form, false)).toEqual({
      ok: true,
      body: { shape: "square", commit: false, name_prefix: "Block", size_m: 250 },
    });
  });
  it("refuses sizes outside 10–20000 m and non-integer H3 resolutions", () => {
    expect(generateRequest({ ...form, size: "5" }, false)).toEqual({ ok: false, problem: "size" });
    expect(generateRequest({ ...form, size: "" }, false)).toEqual({ ok: false, problem: "size" });
    expect(generateRequest({ ...form, shape: "h3", resolution: "7.5" }, true)).toEqual({
      ok: false,
      problem: "resolution",
    });
    expect(generateRequest({ ...form, shape: "h3", resolution: "9", namePrefix: "" }, true)).toEqual({
      ok: true,
      body: { shape: "h3", commit: true, resolution: 9 },
    });
  });
});

describe("import rules", () => {
  it("polls while parsing or checking and stops on anything else", () => {
    expect(importStep("parsing")).toBe("poll");
    expect(importStep("checking")).toBe("poll");
    expect(importStep("ready")).toBe("review");
    expect(importStep("rejected")).toBe("rejected");
    expect(importStep("applied")).toBe("applied");
    expect(importStep("something-new")).toBe("failed");
  });
  it("reports progress only with a known total", () => {
    expect(progressPercent({ phase: "reading", done: 50, total: 200 })).toBe(25);
    expect(progressPercent({ phase: "reading", done: 50, total: null })).toBeNull();
    expect(progressPercent(null)).toBeNull();
  });
  it("slows polling down to at most 2 s", () => {
    expect(pollDelayMs(0)).toBe(250);
    expect(pollDelayMs(100)).toBe(2000);
  });
  it("cuts long code lists", () => {
    expect(shortList(["a", "b", "c"], 2)).toEqual({ shown: ["a", "b"], more: 1 });
  });
});

describe("cellsErrorMessage", () => {
  const t = viewTranslator(cellsMessages, translatorFor("en"));
  const zh = viewTranslator(cellsMessages, translatorFor("zh-CN"));
  it("translates the cell routes' own error codes in both languages", () => {
    const error = new ApiError("merge_not_adjacent", "Cells 1, 2 do not share a boundary", 422);
    expect(cellsErrorMessage(error, t)).toContain("do not share a boundary");
    expect(cellsErrorMessage(error, zh)).toContain("不共边");
  });
  it("falls back to the shared rule (the server's message for unknown codes)", () => {
    expect(cellsErrorMessage(new ApiError("weird", "Server says no", 400), t)).toBe("Server says no");
    expect(cellsErrorMessage(new ApiError("forbidden", "x", 403), t)).toBe(
      "You do not have permission for this.",
    );
  });
});

describe("previewFeatures", () => {
  it("keeps role and label and alternates the tint", () => {
    const geometry: GeoJSON.Polygon = {
      type: "Polygon",
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [0, 1],
          [0, 0],
        ],
      ],
    };
    const features = previewFeatures([
      { geometry, role: "result", label: "A" },
      { geometry, role: "past", label: "v1" },
    ]).features;
    expect(features.map((f) => f.properties)).toEqual([
      { role: "result", label: "A", tint: 0 },
      { role: "past", label: "v1", tint: 1 },
    ]);
  });
});
