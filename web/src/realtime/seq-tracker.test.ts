import { describe, expect, it } from "vitest";
import { SeqTracker } from "./seq-tracker.js";

describe("SeqTracker", () => {
  it("accepts increasing seqs with gaps and drops repeats and older ones", () => {
    const seq = new SeqTracker();
    expect(seq.last).toBeNull();
    expect([5, 9, 9, 7, 12].map((n) => seq.accept(n))).toEqual([true, true, false, false, true]);
    expect(seq.last).toBe(12);
  });
  it("moves forward to a ready position but never back", () => {
    const seq = new SeqTracker();
    seq.advanceTo(40);
    expect(seq.accept(40)).toBe(false);
    expect(seq.accept(41)).toBe(true);
    seq.advanceTo(30);
    expect(seq.last).toBe(41);
  });
  it("resets to the server's position after a resync", () => {
    const seq = new SeqTracker();
    seq.accept(100);
    seq.resetTo(50);
    expect(seq.accept(60)).toBe(true);
  });
});
