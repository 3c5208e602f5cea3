import "./hits-panel.css";
import { type Hit, type HitStatus, hitSchema, type ReasonCode } from "../../api/plates-api.js";
import type { RealtimeStore } from "../../realtime/realtime-store.js";
import { button, formActions, toolbar } from "../../ui/actions.js";
import { busyAction } from "../../ui/busy-action.js";
import { h } from "../../ui/dom.js";
import { field, formError, relabelSelect, select } from "../../ui/form.js";
import { formatDateTime } from "../../ui/format.js";
import { type Loadable, loader } from "../../ui/loadable.js";
import { matchLabel, priorityLabel, reasonLabel } from "./plate-labels.js";
import type { PlatesContext, PlatesPanel, PlatesTranslate } from "./plates-context.js";

const PAGE_SIZE = 30;
/**
 * Live hits kept on screen: older cards leave the feed (still one "more" away), so a burst of
 * hits costs the same per hit however long the page has been open.
 */
export const LIVE_FEED_MAX = 100;
const STATUSES: readonly HitStatus[] = ["pending", "confirmed", "dismissed"];

/** Adds a live hit at the top when it belongs in the shown list and is not there yet. */
export function withLiveHit(hits: readonly Hit[], hit: Hit, shownStatus: HitStatus | null): Hit[] {
  if (shownStatus !== null && hit.status !== shownStatus) return [...hits];
  if (hits.some((h) => h.id === hit.id)) return hits.map((h) => (h.id === hit.id ? hit : h));
  return [hit, ...hits];
}

/** The newest `max` hits, and the id to page on from for the ones left out (null: none left out). */
export function keepNewest(
  hits: readonly Hit[],
  max: number,
): { kept: readonly Hit[]; dropped: readonly Hit[]; beforeId: number | null } {
  if (hits.length <= max) return { kept: hits, dropped: [], beforeId: null };
  const kept = hits.slice(0, max);
  return { kept, dropped: hits.slice(max), beforeId: kept.at(-1)?.id ?? null };
}

/**
 * The command centre's hit feed: newest first, live, each hit confirmed (确认) or dismissed as a
 * false match (误报) with an optional note. Reviews are audited by the server.
 */
export function createHitsPanel(ctx: PlatesContext, realtime: Pick<RealtimeStore, "subscribe">): PlatesPanel {
  const element = h("section", { attrs: { "data-testid": "hits-panel" } });
  // Options exist from the start, so the first load already reads "pending" from the select.
  const statusFilter = select(
    "hitStatus",
    [...STATUSES, ""].map((value) => ({ value, label: value })),
    "pending",
  );
  statusFilter.addEventListener("change", () => void load());
  const notes = new Map<number, HTMLInputElement>();
  let reasons: ReasonCode[] = [];
  let data: Loadable<{ hits: Hit[]; nextBeforeId: number | null }> = { state: "loading" };
  let problem: string | null = null;

  const shownStatus = () => (statusFilter.value === "" ? null : (statusFilter.value as HitStatus));

  const load = loader(
    () => ctx.api.hits(shownStatus(), null, PAGE_SIZE),
    (value) => {
      data = value;
      render();
    },
  );

  async function more() {
    if (data.state !== "ready" || data.data.nextBeforeId === null) return;
    const current = data.data;
    try {
      const page = await ctx.api.hits(shownStatus(), current.nextBeforeId, PAGE_SIZE);
      data = {
        state: "ready",
        data: { hits: [...current.hits, ...page.hits], nextBeforeId: page.nextBeforeId },
      };
    } catch (error) {
      problem = ctx.describeError(error);
    }
    render();
  }

  const action = busyAction({
    started: () => {
      problem = null;
      render();
    },
    failed: (error) => {
      problem = ctx.describeError(error);
    },
    finished: () => render(),
  });

  const review = (hit: Hit, decision: "confirm" | "dismiss") =>
    action.run(async () => {
      const note = notes.get(hit.id)?.value.trim() ?? "";
      const reviewed = await ctx.api.reviewHit(hit.id, decision, note === "" ? null : note);
      if (data.state === "ready") {
        const kept = data.data.hits.map((h) => (h.id === hit.id ? reviewed : h));
        // A reviewed hit leaves the "pending" list; in other lists it stays with its new status.
        const hits = shownStatus() === "pending" ? kept.filter((h) => h.status === "pending") : kept;
        data = { state: "ready", data: { ...data.data, hits } };
      }
    });

  /**
   * A card's note field. Chromium's autofill re-reads every text field of the page (labels,
   * visibility, a forced layout each) and re-parses them in the browser whenever a field is
   * added, so a feed of 100 inputs costs that per live hit; until the analyst first focuses it,
   * the note is a stand-in that looks like the empty field and becomes it.
   */
  function noteField(id: number, t: PlatesTranslate): HTMLElement {
    const input = notes.get(id);
    if (input) {
      input.placeholder = t("plates.hits.note");
      return input;
    }
    const standIn = h("button", {
      className: "hit-note-stand-in",
      text: t("plates.hits.note"),
      attrs: { type: "button", "data-testid": `hit-note-${id}` },
    });
    // Focus covers Tab; click covers browsers that do not focus a clicked button (Safari).
    const open = () => {
      if (!standIn.isConnected) return;
      const field = h("input", {
        attrs: { "data-testid": `hit-note-${id}`, placeholder: t("plates.hits.note") },
      });
      notes.set(id, field);
      standIn.replaceWith(field);
      field.focus();
    };
    standIn.addEventListener("focus", open);
    standIn.addEventListener("click", open);
    return standIn;
  }

  function renderHit(hit: Hit, t: PlatesTranslate) {
    const language = ctx.language();
    const canReview = ctx.can("hits:review") && hit.status === "pending";
    const row = (label: string, value: string) => [h("dt", { text: label }), h("dd", { text: value })];
    return h(
      "article",
      {
        className: `card hit-card priority-${hit.priority}`,
        attrs: { "data-testid": `hit-${hit.id}`, "data-status": hit.status },
      },
      toolbar(
        h("strong", { text: hit.plate }),
        h("span", { text: `${t("plates.hits.listed")}: ${hit.listedPlate}` }),
        h("span", { className: "field-hint", text: t(`plates.hits.status.${hit.status}`) }),
      ),
      h(
        "dl",
        { className: "kv" },
        ...row(t("plates.hits.when"), formatDateTime(hit.readCapturedAt, language)),
        ...row(
          t("plates.hits.where"),
          [hit.checkpointId, hit.cameraId, hit.cellCode].filter((s) => s).join(" · "),
        ),
        ...row(t("plates.hits.reason"), reasonLabel(hit.reasonCode, reasons, language)),
        ...row(t("plates.hits.case"), hit.caseReference),
        ...row(t("plates.hits.priority"), priorityLabel(hit.priority, t)),
        ...row(t("plates.hits.match"), matchLabel(hit.matchLevel, t)),
      ),
      hit.incidentId === null ? "" : h("div", { text: t("plates.hits.incident", { id: hit.incidentId }) }),
      hit.reviewedBy
        ? h("div", {
            className: "field-hint",
            text: t("plates.hits.reviewed", {
              status: t(`plates.hits.status.${hit.status}`),
              actor: hit.reviewedBy,
            }),
          })
        : "",
      canReview
        ? formActions(
            noteField(hit.id, t),
            button({
              className: "primary",
              text: t("plates.hits.confirm"),
              testId: `hit-confirm-${hit.id}`,
              disabled: action.busy,
              onClick: () => void review(hit, "confirm"),
            }),
            button({
              className: "danger",
              text: t("plates.hits.dismiss"),
              testId: `hit-dismiss-${hit.id}`,
              disabled: action.busy,
              onClick: () => void review(hit, "dismiss"),
            }),
          )
        : "",
    );
  }

  function render() {
    const t = ctx.t();
    relabelSelect(statusFilter, [
      ...STATUSES.map((s) => ({ value: s, label: t(`plates.hits.status.${s}`) })),
      { value: "", label: t("plates.hits.all") },
    ]);
    element.replaceChildren(
      toolbar(field(t("plates.hits.status"), statusFilter)),
      formError(problem),
      ctx.renderLoadable(
        data,
        () => void load(),
        ({ hits, nextBeforeId }) =>
          h(
            "div",
            { className: "hits-feed", attrs: { "data-testid": "hits-feed" } },
            hits.length === 0 ? h("p", { className: "table-empty", text: t("plates.hits.empty") }) : "",
            ...hits.map((hit) => renderHit(hit, t)),
            nextBeforeId === null ? "" : button({ text: t("plates.more"), onClick: () => void more() }),
          ),
      ),
    );
  }

  /**
   * A new hit at the top of a feed already on screen gets its card inserted there; the
   * others stay as they are. Re-drawing the whole feed for every live hit costs time that
   * grows with the feed, during a burst of hits exactly when they should show at once.
   */
  function insertCard(hit: Hit, before: readonly Hit[], after: readonly Hit[]): boolean {
    const feed = element.querySelector("[data-testid=hits-feed]");
    if (!feed || before.length === 0 || after.length !== before.length + 1 || after[0]?.id !== hit.id)
      return false;
    feed.prepend(renderHit(hit, ctx.t()));
    return true;
  }

  /** Keeps the live feed at LIVE_FEED_MAX cards; the first trim redraws to show "more". */
  function trimFeed(): void {
    if (data.state !== "ready") return;
    const { kept, dropped, beforeId } = keepNewest(data.data.hits, LIVE_FEED_MAX);
    if (beforeId === null) return;
    const hadMore = data.data.nextBeforeId !== null;
    data = { state: "ready", data: { hits: [...kept], nextBeforeId: beforeId } };
    for (const old of dropped) {
      notes.delete(old.id);
      element.querySelector(`[data-testid="hit-${old.id}"]`)?.remove();
    }
    if (!hadMore) render();
  }

  function showLiveHit(hit: Hit): void {
    if (data.state !== "ready") return;
    const before = data.data.hits;
    const hits = withLiveHit(before, hit, shownStatus());
    data = { state: "ready", data: { ...data.data, hits } };
    if (!insertCard(hit, before, hits)) render();
    trimFeed();
  }

  // The event carries the new hit whole; asking the server for it only if it does not (an
  // older server). A request per hit cost the browser more than drawing the card.
  const off = realtime.subscribe("hotlist.hit", (event) => {
    const carried = hitSchema.safeParse(event.payload.hit);
    if (carried.success) return showLiveHit(carried.data);
    void ctx.api
      .hit(event.payload.hitId)
      .then(showLiveHit)
      .catch((error: unknown) => console.warn("live hit not loaded", error));
  });

  if (ctx.can("hotlists:read")) {
    ctx.api
      .hotlists()
      .then((body) => {
        reasons = body.reasonCodes;
        render();
      })
      .catch((error: unknown) => console.warn("reason codes not loaded", error));
  }
  void load();
  return { element, render, destroy: off };
}
