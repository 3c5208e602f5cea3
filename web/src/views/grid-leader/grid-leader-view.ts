import "../../incidents/incidents.css";
import "./grid-leader.css";
import { isApiError } from "../../api/errors.js";
import type { CellCollection } from "../../api/gridops-api.js";
import type { IncidentCategory } from "../../api/incident-schemas.js";
import { IncidentsApi } from "../../api/incidents-api.js";
import { IncidentDetail } from "../../incidents/incident-detail.js";
import {
  type IncidentItem,
  isOpen,
  itemFromIncident,
  itemFromSummary,
} from "../../incidents/incident-item.js";
import { IncidentStore } from "../../incidents/incident-store.js";
import { byDeadline, timeLeftText } from "../../incidents/time-left.js";
import { READY_TIMEOUT_MS } from "../../realtime/realtime-store.js";
import { h } from "../../ui/dom.js";
import { errorMessage } from "../../ui/error-message.js";
import type { View, ViewContext } from "../routes.js";
import { type LeaderTranslate, leaderT } from "./leader-translate.js";
import { ReportForm } from "./report-form.js";

type Tab = "queue" | "report";
type QueueState = { kind: "loading" } | { kind: "failed"; error: unknown } | { kind: "ready" };

/** Time left is shown to the minute; redraw the queue that often. */
const TICK_MS = 30_000;

declare global {
  interface Window {
    __gridopsLeader?: { queueIds(): number[]; store: IncidentStore };
  }
}

/**
 * The grid leader's view, made for a phone: the open incidents of their own cells sorted by
 * deadline with the time left, each opening to its actions (accept, feed back with photos,
 * return), and today's daily report.
 */
export function createGridLeaderView(ctx: ViewContext): View {
  const t = (): LeaderTranslate => leaderT(ctx.languages);
  const language = () => ctx.languages.language;
  const api = new IncidentsApi(ctx.api.http);
  const store = new IncidentStore();
  const canReport = ctx.session.permissions.includes("reports:file");
  let categories: IncidentCategory[] = [];
  let cells: Promise<CellCollection> | null = null;
  let tab: Tab = ctx.params.get("tab") === "report" && canReport ? "report" : "queue";
  let queueState: QueueState = { kind: "loading" };
  let detail: IncidentDetail | null = null;
  let reminder: string | null = null;

  const title = h("h1", { className: "leader-title" });
  const tabs = h("div", { className: "leader-tabs", attrs: { role: "tablist" } });
  const banner = h("div", {
    className: "leader-reminder",
    attrs: { role: "status", hidden: "", "data-testid": "report-reminder" },
  });
  const body = h("div", { className: "leader-body" });
  const element = h(
    "main",
    { className: "grid-leader-view", attrs: { "data-testid": "grid-leader-view" } },
    title,
    banner,
    tabs,
    body,
  );

  const report = new ReportForm({
    api,
    t,
    language,
    categories: () => categories,
    cells: () => {
      cells ??= ctx.api.cells();
      return cells;
    },
  });

  const queue = (): IncidentItem[] => [...store.values()].filter(isOpen).sort(byDeadline);

  const renderTabs = () => {
    const tr = t();
    const button = (id: Tab, label: string) =>
      h("button", {
        className: id === tab ? "tab active" : "tab",
        text: label,
        attrs: {
          type: "button",
          role: "tab",
          "aria-selected": String(id === tab),
          "data-testid": `tab-${id}`,
        },
        on: {
          click: () => {
            tab = id;
            detail = null;
            if (id === "report") void report.load();
            render();
          },
        },
      });
    tabs.replaceChildren(
      button("queue", tr("leader.tab.queue", { count: queue().length })),
      ...(canReport ? [button("report", tr("leader.tab.report"))] : []),
    );
  };

  const renderQueue = (): HTMLElement => {
    const tr = t();
    if (queueState.kind === "loading")
      return h("p", { className: "muted", text: tr("leader.queue.loading") });
    if (queueState.kind === "failed") {
      return h(
        "div",
        {},
        h("p", {
          className: "error-text",
          text: `${tr("leader.queue.loadFailed")} ${errorMessage(queueState.error, tr)}`,
        }),
        h("button", { text: tr("map.retry"), attrs: { type: "button" }, on: { click: () => void load() } }),
      );
    }
    const items = queue();
    if (items.length === 0)
      return h("p", {
        className: "muted",
        attrs: { "data-testid": "queue-empty" },
        text: tr("leader.queue.empty"),
      });
    const now = Date.now();
    return h(
      "ul",
      { className: "leader-queue", attrs: { "data-testid": "leader-queue" } },
      ...items.map((item) =>
        h(
          "li",
          {
            className: `incident-row priority-${item.priority}${item.overdue ? " overdue" : ""}`,
            attrs: { "data-incident-id": String(item.id), role: "button", tabindex: "0" },
            on: {
              click: () => openDetail(item.id),
              keydown: (event) => {
                if (event.key === "Enter") openDetail(item.id);
              },
            },
          },
          h("span", { className: "incident-ref", text: item.reference }),
          h("span", { className: "incident-row-title", text: item.title }),
          h(
            "span",
            { className: "incident-row-meta" },
            h("strong", { className: "time-left", text: timeLeftText(item.dueAt, now, tr) }),
            ` · ${tr(`incident.state.${item.state}`)}`,
          ),
        ),
      ),
    );
  };

  const openDetail = (id: number) => {
    detail = new IncidentDetail({
      api,
      id,
      t,
      language,
      onChanged: (incident) => store.upsert([itemFromIncident(incident)]),
    });
    render();
  };

  function render() {
    const tr = t();
    title.textContent = tr("leader.title");
    renderTabs();
    banner.hidden = reminder === null;
    banner.textContent = reminder ?? "";
    if (tab === "report") return body.replaceChildren(report.element);
    if (detail) {
      body.replaceChildren(
        h("button", {
          className: "link-button",
          text: `← ${tr("leader.back")}`,
          attrs: { type: "button", "data-testid": "detail-back" },
          on: {
            click: () => {
              detail = null;
              render();
            },
          },
        }),
        detail.element,
      );
      return;
    }
    body.replaceChildren(renderQueue());
  }

  async function load() {
    queueState = { kind: "loading" };
    render();
    try {
      await ctx.realtime.ready(READY_TIMEOUT_MS);
      const [incidents, loaded] = await Promise.all([api.list({ open: true }), api.categories()]);
      categories = loaded;
      store.replaceAll(incidents.map(itemFromIncident));
      queueState = { kind: "ready" };
    } catch (error) {
      if (isApiError(error) && error.status === 401) return ctx.onUnauthenticated();
      queueState = { kind: "failed", error };
    }
    render();
    if (tab === "report") void report.load();
  }

  const offs = [
    store.subscribe(() => {
      if (!detail && tab === "queue") render();
      else renderTabs();
    }),
    ctx.realtime.subscribe("incident.created", (event) => {
      store.upsert([itemFromSummary(event.payload.incident, store.get(event.payload.incident.id))]);
    }),
    ctx.realtime.subscribe("incident.updated", (event) => {
      const id = event.payload.incident.id;
      store.upsert([itemFromSummary(event.payload.incident, store.get(id))]);
      if (detail?.id === id) void detail.load();
    }),
    ctx.realtime.subscribe("report.reminder", (event) => {
      const time = new Date(event.payload.deadline).toLocaleTimeString(language(), { timeStyle: "short" });
      reminder = t()("leader.reminder", { cell: event.payload.cellCode, time });
      render();
    }),
    ctx.realtime.subscribe("report.filed", () => void report.load()),
    ctx.realtime.onResync(() => void load()),
  ];
  const tick = setInterval(() => {
    if (!detail && tab === "queue") render();
  }, TICK_MS);

  window.__gridopsLeader = {
    queueIds: () =>
      [...body.querySelectorAll<HTMLElement>(".leader-queue [data-incident-id]")].map((li) =>
        Number(li.dataset.incidentId),
      ),
    store,
  };
  void load();

  return {
    element,
    render() {
      detail?.render();
      report.render();
      render();
    },
    destroy() {
      for (const off of offs) off();
      clearInterval(tick);
      delete window.__gridopsLeader;
    },
  };
}
