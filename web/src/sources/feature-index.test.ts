import { describe, expect, it } from "vitest";
import { FeatureIndex } from "./feature-index.js";

describe("FeatureIndex", () => {
  it("adds new features, then sends only changed properties for existing ones", () => {
    const index = new FeatureIndex("id");
    index.set(1, [120, 30], { state: "reported", priority: "high" });
    index.set(2, [121, 31], { state: "reported", priority: "low" });
    const first = index.takeDiff();
    expect(first.add?.map((f) => f.id)).toEqual([1, 2]);
    expect(first.add?.[0]?.properties).toEqual({ id: 1, state: "reported", priority: "high" });
    expect(first.update).toBeUndefined();

    index.set(1, [120, 30], { state: "dispatched", priority: "high" });
    expect(index.takeDiff()).toEqual({
      update: [{ id: 1, addOrUpdateProperties: [{ key: "state", value: "dispatched" }] }],
    });
  });

  it("moves a feature with newGeometry and drops properties no longer present", () => {
    const index = new FeatureIndex("id");
    index.set("a", [1, 1], { x: 1, y: 2 });
    index.takeDiff();
    index.set("a", [2, 3], { x: 1 });
    expect(index.takeDiff()).toEqual({
      update: [{ id: "a", newGeometry: { type: "Point", coordinates: [2, 3] }, removeProperties: ["y"] }],
    });
  });

  it("sends nothing for a set that changes nothing, and nothing for an add removed before the flush", () => {
    const index = new FeatureIndex("id");
    index.set(1, [0, 0], { a: 1 });
    index.takeDiff();
    index.set(1, [0, 0], { a: 1 });
    index.set(2, [0, 0], { a: 2 });
    index.delete(2);
    expect(index.takeDiff()).toEqual({});
  });

  it("removes features that were in the source", () => {
    const index = new FeatureIndex("id");
    index.set(1, [0, 0], {});
    index.set(2, [0, 0], {});
    index.takeDiff();
    index.delete(1);
    expect(index.takeDiff()).toEqual({ remove: [1] });
    expect(index.size).toBe(1);
  });

  it("replaceAll diffs a whole new wanted set against the source", () => {
    const index = new FeatureIndex("id");
    index.set(1, [0, 0], { s: "a" });
    index.set(2, [0, 0], { s: "a" });
    index.takeCollection();
    index.replaceAll(
      new Map([
        [2, { position: [0, 0] as const, properties: { s: "b" } }],
        [3, { position: [1, 1] as const, properties: { s: "a" } }],
      ]),
    );
    const diff = index.takeDiff();
    expect(diff.remove).toEqual([1]);
    expect(diff.add?.map((f) => f.id)).toEqual([3]);
    expect(diff.update).toEqual([{ id: 2, addOrUpdateProperties: [{ key: "s", value: "b" }] }]);
  });

  it("keeps the diff small: one change among 1,000 features is one update", () => {
    const index = new FeatureIndex("id");
    for (let i = 0; i < 1000; i += 1) index.set(i, [i / 1000, 0], { state: "reported" });
    expect(index.takeCollection().features).toHaveLength(1000);
    index.set(500, [0.5, 0], { state: "closed" });
    const diff = index.takeDiff();
    expect(diff.update).toHaveLength(1);
    expect(diff.add).toBeUndefined();
  });
});
