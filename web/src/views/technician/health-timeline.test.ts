import { describe, expect, it } from "vitest";
import { timelineSegments } from "./health-timeline.js";

const from = new Date("2026-03-01T00:00:00Z");
const to = new Date("2026-03-01T10:00:00Z");

describe("timelineSegments", () => {
  it("cuts the window at each state change and sizes spans by time", () => {
    const segments = timelineSegments(
      [
        { at: "2026-03-01T02:00:00Z", from_state: "online", to_state: "offline" },
        { at: "2026-03-01T07:00:00Z", from_state: "offline", to_state: "online" },
      ],
      from,
      to,
      "online",
    );
    expect(segments.map((s) => [s.state, s.fraction])).toEqual([
      ["online", 0.2],
      ["offline", 0.5],
      ["online", 0.3],
    ]);
  });

  it("uses the state at the window start from a change before it", () => {
    const segments = timelineSegments(
      [{ at: "2026-02-20T00:00:00Z", from_state: "unknown", to_state: "degraded" }],
      from,
      to,
      "degraded",
    );
    expect(segments.map((s) => [s.state, s.fraction])).toEqual([["degraded", 1]]);
  });

  it("shows the current state over the whole window when nothing changed", () => {
    expect(timelineSegments([], from, to, "maintenance").map((s) => s.state)).toEqual(["maintenance"]);
  });

  it("merges neighbours in the same state and ignores changes after the window", () => {
    const segments = timelineSegments(
      [
        { at: "2026-03-01T05:00:00Z", from_state: "online", to_state: "online" },
        { at: "2026-03-02T00:00:00Z", from_state: "online", to_state: "offline" },
      ],
      from,
      to,
      "offline",
    );
    expect(segments.map((s) => [s.state, s.fraction])).toEqual([["online", 1]]);
  });
});
