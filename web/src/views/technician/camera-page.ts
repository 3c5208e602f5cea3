import type { CameraEvent, CameraHealth } from "../../api/technician-api.js";
import { button, formActions } from "../../ui/actions.js";
import { busyAction } from "../../ui/busy-action.js";
import { h } from "../../ui/dom.js";
import { formError } from "../../ui/form.js";
import { formatDateTime } from "../../ui/format.js";
import { type Loadable, loader } from "../../ui/loadable.js";
import { renderTable } from "../../ui/table.js";
import { renderTimelineBar, stateBadge, timelineSegments } from "./health-timeline.js";
import type { TechContext, TechTranslate } from "./technician-context.js";
import { createTicketsPanel } from "./tickets-panel.js";

const DAY_MS = 86_400_000;

export interface CameraPage {
  element: HTMLElement;
  render(): void;
  /** A live status change for this camera: reload the page's health. */
  refresh(): void;
}

/** One camera: health now, uptime over 24 h / 7 d / 30 d, a 30-day timeline, snapshot, events, tickets. */
export function createCameraPage(ctx: TechContext, cameraId: string, onBack: () => void): CameraPage {
  const element = h("section", { className: "camera-page", attrs: { "data-testid": "camera-page" } });
  const tickets = createTicketsPanel(ctx, cameraId);
  let data: Loadable<CameraHealth> = { state: "loading" };
  let olderEvents: CameraEvent[] = [];
  let nextBefore: number | null = null;
  let actionError: string | null = null;

  const load = loader(
    () => ctx.api.cameraHealth(cameraId),
    (value) => {
      data = value;
      if (value.state === "ready") {
        olderEvents = [];
        nextBefore = value.data.events.length >= 50 ? (value.data.events.at(-1)?.id ?? null) : null;
      }
      draw();
    },
  );

  const action = busyAction({
    started: () => {
      actionError = null;
      draw();
    },
    failed: (failure) => {
      actionError = ctx.t()("tech.camera.actionFailed", { error: ctx.describeError(failure) });
    },
    finished: () => void load(),
  });

  async function loadOlder() {
    if (nextBefore === null) return;
    try {
      const page = await ctx.api.cameraEvents(cameraId, nextBefore);
      olderEvents = [...olderEvents, ...page.events];
      nextBefore = page.next_before;
    } catch (failure) {
      actionError = ctx.describeError(failure);
    }
    draw();
  }

  function renderUptime(health: CameraHealth, t: TechTranslate) {
    const card = (label: string, value: number | null, key: string) =>
      h(
        "div",
        { className: "card", attrs: { "data-testid": `uptime-${key}` } },
        h("strong", { text: value === null ? t("tech.camera.noData") : `${value.toFixed(2)} %` }),
        h("span", { text: label }),
      );
    return h(
      "div",
      {},
      h("h3", { text: t("tech.camera.uptime") }),
      h(
        "div",
        { className: "uptime" },
        card(t("tech.camera.h24"), health.uptime_pct.h24, "h24"),
        card(t("tech.camera.d7"), health.uptime_pct.d7, "d7"),
        card(t("tech.camera.d30"), health.uptime_pct.d30, "d30"),
      ),
    );
  }

  function renderActions(health: CameraHealth, t: TechTranslate) {
    if (!ctx.can("health:maintain")) return "";
    const inMaintenance = health.health.state === "maintenance";
    return formActions(
      button({
        text: inMaintenance ? t("tech.camera.maintenanceOff") : t("tech.camera.maintenanceOn"),
        testId: "camera-maintenance",
        disabled: action.busy,
        onClick: () => void action.run(() => ctx.api.setMaintenance(cameraId, !inMaintenance)),
      }),
      health.health.state === "auth_failed"
        ? button({
            text: t("tech.camera.authReset"),
            testId: "camera-auth-reset",
            disabled: action.busy,
            onClick: () => void action.run(() => ctx.api.resetAuthFailure(cameraId)),
          })
        : "",
    );
  }

  function renderEvents(events: CameraEvent[], t: TechTranslate) {
    const language = ctx.language();
    const change = (e: CameraEvent) =>
      e.from_state || e.to_state
        ? `${ctx.stateLabel(e.from_state ?? "unknown")} → ${ctx.stateLabel(e.to_state ?? "unknown")}`
        : "";
    return h(
      "div",
      {},
      h("h3", { text: t("tech.camera.events") }),
      renderTable<CameraEvent>(
        [
          { header: t("tech.event.at"), cell: (e) => formatDateTime(e.at, language) },
          { header: t("tech.event.kind"), cell: (e) => e.kind },
          { header: t("tech.event.change"), cell: change },
          { header: t("tech.col.reasons"), cell: (e) => e.reasons.map((r) => ctx.reasonLabel(r)).join("; ") },
          { header: t("tech.event.actor"), cell: (e) => e.actor },
        ],
        events,
        { empty: t("tech.camera.noEvents"), testId: "camera-events", rowId: (e) => String(e.id) },
      ),
      nextBefore === null
        ? ""
        : button({
            text: t("tech.camera.moreEvents"),
            testId: "camera-more-events",
            onClick: () => void loadOlder(),
          }),
    );
  }

  function renderHealth(health: CameraHealth, t: TechTranslate) {
    const language = ctx.language();
    const { camera } = health;
    const now = new Date();
    const segments = timelineSegments(
      health.timeline,
      new Date(now.getTime() - 30 * DAY_MS),
      now,
      health.health.state,
    );
    const kv = (label: string, value: Node | string) => [h("dt", { text: label }), h("dd", {}, value)];
    return h(
      "div",
      {},
      h("h2", {
        className: "view-title",
        text: `${camera.name} (${camera.id})`,
        attrs: { "data-testid": "camera-title" },
      }),
      h(
        "div",
        { className: "split" },
        h(
          "div",
          {},
          h(
            "dl",
            { className: "kv" },
            ...kv(t("tech.col.state"), stateBadge(health.health.state, ctx.stateLabel(health.health.state))),
            ...kv(
              t("tech.col.since"),
              `${formatDateTime(health.health.since, language)} (${ctx.duration(health.health.since)})`,
            ),
            ...kv(
              t("tech.col.reasons"),
              health.health.reasons.map((r) => ctx.reasonLabel(r)).join("; ") || t("tech.none"),
            ),
            ...kv(t("tech.col.vendor"), [camera.vendor, camera.model].filter((s) => s).join(" / ")),
            ...kv(t("tech.col.firmware"), camera.firmware ?? t("tech.none")),
            ...kv(t("tech.col.cell"), camera.cell_code ?? t("tech.none")),
            ...kv(t("tech.camera.lastCheck"), formatDateTime(health.health.last_check_at ?? null, language)),
            ...kv(t("tech.camera.nextCheck"), formatDateTime(health.health.next_check_at ?? null, language)),
            ...kv(t("tech.camera.lastError"), health.health.last_error ?? t("tech.none")),
            ...kv(
              t("tech.camera.clockOffset"),
              camera.clock_offset_ms === null
                ? t("tech.none")
                : t("tech.camera.clockOffsetValue", { seconds: (camera.clock_offset_ms / 1000).toFixed(1) }),
            ),
          ),
          renderActions(health, t),
          formError(actionError),
          renderUptime(health, t),
          h("h3", { text: t("tech.camera.timeline") }),
          renderTimelineBar(segments, (state) => ctx.stateLabel(state)),
        ),
        h(
          "div",
          {},
          h("h3", { text: t("tech.camera.snapshot") }),
          health.snapshot
            ? h(
                "figure",
                {},
                h("img", {
                  className: "snapshot",
                  attrs: {
                    src: health.snapshot.url,
                    alt: t("tech.camera.snapshot"),
                    "data-testid": "camera-snapshot",
                  },
                }),
                h("figcaption", {
                  className: "field-hint",
                  text: t("tech.camera.snapshotAt", {
                    time: formatDateTime(health.snapshot.taken_at, language),
                  }),
                }),
              )
            : h("p", {
                className: "field-hint",
                text: t("tech.camera.noSnapshot"),
                attrs: { "data-testid": "camera-no-snapshot" },
              }),
        ),
      ),
      renderEvents([...health.events, ...olderEvents], t),
    );
  }

  // The tickets panel redraws itself; redrawing it with the camera's health would replace its
  // form under the user's pointer, so only a language switch (render) relabels both.
  function draw() {
    const t = ctx.t();
    element.replaceChildren(
      h("a", {
        text: t("tech.camera.back"),
        attrs: { href: "#/tech", "data-testid": "camera-back" },
        on: {
          click: (event) => {
            event.preventDefault();
            onBack();
          },
        },
      }),
      ctx.renderLoadable(
        data,
        () => void load(),
        (health) => renderHealth(health, t),
      ),
      tickets.element,
    );
  }

  void load();
  const render = () => {
    tickets.render();
    draw();
  };

  return { element, render, refresh: () => void load() };
}
