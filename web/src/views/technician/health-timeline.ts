import { cameraStatusColor, isCameraStatus } from "../../layers/palette.js";
import { h } from "../../ui/dom.js";

export interface StateChange {
  at: string;
  from_state: string | null;
  to_state: string | null;
}

export interface Segment {
  state: string;
  start: number;
  end: number;
  /** Share of the window, 0..1. */
  fraction: number;
}

/**
 * The window [from, to] cut into spans of one state each, from the camera's state changes.
 * Before the first change the camera was in that change's `from_state` (unknown if none);
 * after the last change, in its `to_state`, which must match the current state.
 */
export function timelineSegments(
  changes: readonly StateChange[],
  from: Date,
  to: Date,
  currentState: string,
): Segment[] {
  const start = from.getTime();
  const end = to.getTime();
  const span = end - start;
  if (span <= 0) return [];
  const sorted = changes
    .map((change) => ({ ...change, time: Date.parse(change.at) }))
    .filter((change) => !Number.isNaN(change.time) && change.time <= end)
    .sort((a, b) => a.time - b.time);
  const segments: Segment[] = [];
  let state = sorted.find((change) => change.time > start)?.from_state ?? "unknown";
  let cursor = start;
  for (const change of sorted) {
    if (change.time <= start) {
      state = change.to_state ?? state;
      continue;
    }
    if (change.time > cursor) segments.push({ state, start: cursor, end: change.time, fraction: 0 });
    cursor = change.time;
    state = change.to_state ?? state;
  }
  if (sorted.length === 0) state = currentState;
  if (end > cursor) segments.push({ state, start: cursor, end, fraction: 0 });
  const merged: Segment[] = [];
  for (const segment of segments) {
    const last = merged.at(-1);
    if (last && last.state === segment.state) last.end = segment.end;
    else merged.push({ ...segment });
  }
  for (const segment of merged) segment.fraction = (segment.end - segment.start) / span;
  return merged;
}

/** A horizontal bar of coloured spans, one per state, titled with the state's label. */
export function renderTimelineBar(
  segments: readonly Segment[],
  label: (state: string) => string,
): HTMLElement {
  return h(
    "div",
    { className: "timeline-bar", attrs: { "data-testid": "health-timeline" } },
    ...segments.map((segment) => {
      const colour = isCameraStatus(segment.state)
        ? cameraStatusColor[segment.state]
        : cameraStatusColor.unknown;
      const span = h("div", {
        attrs: {
          title: `${label(segment.state)} ${new Date(segment.start).toLocaleString()}`,
          "data-state": segment.state,
        },
      });
      span.style.flex = `${segment.fraction} 0 0`;
      span.style.background = colour;
      return span;
    }),
  );
}

/** A small coloured badge with the state's label. */
export function stateBadge(state: string, label: string): HTMLElement {
  const badge = h("span", { className: "state-badge", text: label, attrs: { "data-state": state } });
  badge.style.background = isCameraStatus(state) ? cameraStatusColor[state] : cameraStatusColor.unknown;
  return badge;
}
