import type { CheckpointFlowPayload } from "@gridops/server/api-types";
import type { CheckpointCollection } from "../../api/gridops-api.js";
import type { CheckpointFlow } from "../../api/plates-api.js";
import type { RealtimeStore } from "../../realtime/realtime-store.js";
import { h } from "../../ui/dom.js";
import { type Choice, field, relabelSelect, select } from "../../ui/form.js";
import { formatDateTime } from "../../ui/format.js";
import { type Loadable, loader } from "../../ui/loadable.js";
import { renderTable } from "../../ui/table.js";
import type { PlatesContext, PlatesPanel, PlatesTranslate } from "./plates-context.js";
import { bucketSeries, renderSparkline } from "./sparkline.js";

const BUCKET_MINUTES = 5;
const WINDOW_BUCKETS = 24;

/** Folds a live 5-minute window into the loaded flow (replacing a bucket the server recounted). */
export function withLiveWindow(flow: CheckpointFlow, window: CheckpointFlowPayload): CheckpointFlow {
  if (window.checkpointId !== flow.checkpointId) return flow;
  const start = new Date(window.windowStart).toISOString();
  const bucket = { start, vehicles: window.vehicles, lanes: window.lanes };
  const others = flow.buckets.filter((b) => new Date(b.start).toISOString() !== start);
  return { ...flow, buckets: [...others, bucket].sort((a, b) => Date.parse(a.start) - Date.parse(b.start)) };
}

/**
 * Checkpoint panel: vehicles per 5 minutes over the last two hours as a sparkline for one
 * checkpoint, and the latest window of every checkpoint as it arrives live. Counts only: no plates.
 */
export function createFlowPanel(
  ctx: PlatesContext,
  loadCheckpoints: () => Promise<CheckpointCollection>,
  realtime: Pick<RealtimeStore, "subscribe">,
): PlatesPanel {
  const element = h("section", { attrs: { "data-testid": "flow-panel" } });
  const checkpoint = select("flowCheckpoint", []);
  checkpoint.addEventListener("change", () => void loadFlow());
  let checkpoints: Loadable<Choice[]> = { state: "loading" };
  let flow: Loadable<{ flow: CheckpointFlow; from: Date }> | null = null;
  const latest = new Map<string, CheckpointFlowPayload>();

  const loadCheckpointList = loader(
    async () =>
      (await loadCheckpoints()).features.map((f) => ({
        value: String(f.properties.id),
        label: f.properties.name,
      })),
    (value) => {
      checkpoints = value;
      if (value.state === "ready" && checkpoint.value === "" && value.data[0]) {
        relabelSelect(checkpoint, value.data);
        checkpoint.value = value.data[0].value;
        void loadFlow();
      }
      render();
    },
  );
  const loadFlow = loader(
    async () => {
      const to = new Date();
      const from = new Date(to.getTime() - WINDOW_BUCKETS * BUCKET_MINUTES * 60_000);
      return { flow: await ctx.api.checkpointFlow(checkpoint.value, from, to, BUCKET_MINUTES), from };
    },
    (value) => {
      flow = value;
      render();
    },
  );

  function renderFlow(data: { flow: CheckpointFlow; from: Date }, t: PlatesTranslate) {
    const series = bucketSeries(data.flow.buckets, data.from, BUCKET_MINUTES, WINDOW_BUCKETS + 1);
    const total = series.reduce((a, b) => a + b, 0);
    const last = data.flow.buckets.at(-1);
    return h(
      "div",
      { className: "card" },
      h("div", { className: "field-hint", text: t("plates.flow.lastHours") }),
      renderSparkline(series, t("plates.flow.lastHours")),
      h("div", { text: t("plates.flow.total", { vehicles: total }), attrs: { "data-testid": "flow-total" } }),
      last
        ? h(
            "div",
            {},
            h("div", {
              text: t("plates.flow.latest", {
                vehicles: last.vehicles,
                time: formatDateTime(last.start, ctx.language()),
              }),
            }),
            ...last.lanes.map((lane) =>
              h("div", {
                className: "field-hint",
                text: t("plates.flow.lane", { lane: lane.lane ?? "?", vehicles: lane.vehicles }),
              }),
            ),
          )
        : h("p", { className: "field-hint", text: t("plates.flow.noData") }),
    );
  }

  function renderLive(t: PlatesTranslate, names: Choice[]) {
    const rows = [...latest.values()].sort((a, b) => a.checkpointId.localeCompare(b.checkpointId));
    const language = ctx.language();
    return h(
      "div",
      {},
      h("h3", { text: t("plates.flow.live") }),
      renderTable<CheckpointFlowPayload>(
        [
          {
            header: t("plates.flow.checkpoint"),
            cell: (w) => names.find((n) => n.value === w.checkpointId)?.label ?? w.checkpointId,
          },
          { header: t("plates.flow.window"), cell: (w) => formatDateTime(w.windowStart, language) },
          { header: t("plates.flow.vehicles"), cell: (w) => String(w.vehicles) },
        ],
        rows,
        { empty: t("plates.flow.noLive"), testId: "flow-live", rowId: (w) => w.checkpointId },
      ),
    );
  }

  function render() {
    const t = ctx.t();
    element.replaceChildren(
      ctx.renderLoadable(
        checkpoints,
        () => void loadCheckpointList(),
        (names) => {
          relabelSelect(checkpoint, names);
          return h(
            "div",
            { className: "split" },
            h(
              "div",
              {},
              field(t("plates.flow.checkpoint"), checkpoint),
              flow
                ? ctx.renderLoadable(
                    flow,
                    () => void loadFlow(),
                    (data) => renderFlow(data, t),
                  )
                : "",
            ),
            renderLive(t, names),
          );
        },
      ),
    );
  }

  const off = realtime.subscribe("checkpoint.flow", (event) => {
    latest.set(event.payload.checkpointId, event.payload);
    if (flow?.state === "ready")
      flow = { state: "ready", data: { ...flow.data, flow: withLiveWindow(flow.data.flow, event.payload) } };
    render();
  });

  void loadCheckpointList();
  return { element, render, destroy: off };
}
