import type { Map as MapLibreMap, MapMouseEvent } from "maplibre-gl";
import { isApiError } from "../../api/errors.js";
import type { Incident, IncidentCategory } from "../../api/incident-schemas.js";
import { IncidentsApi } from "../../api/incidents-api.js";
import { DEFAULT_FILTER } from "../../incidents/incident-filter.js";
import {
  type IncidentItem,
  isHighPriority,
  itemFromIncident,
  itemFromSummary,
} from "../../incidents/incident-item.js";
import { IncidentStore } from "../../incidents/incident-store.js";
import { setStaticState } from "../../layers/feature-state.js";
import { SOURCE } from "../../layers/ids.js";
import { READY_TIMEOUT_MS } from "../../realtime/realtime-store.js";
import { h } from "../../ui/dom.js";
import { errorMessage } from "../../ui/error-message.js";
import type { ViewContext } from "../routes.js";
import { AlertSound } from "./alerts.js";
import { type CommandTranslate, commandT } from "./command-translate.js";
import { CLUSTER_MAX_ZOOM, INCIDENT_LAYER } from "./incident-layers.js";
import { IncidentPanel } from "./incident-panel.js";
import { LiveIncidentLayer } from "./live-incidents.js";
import { ReplayBar } from "./replay-bar.js";
import { ReportsBox } from "./reports-box.js";

/** How many of the newest incidents of any state to load besides the open ones. */
const RECENT_ANY_STATE = 1000;

export interface LiveHooks {
  /** Incident ids on the map's live source now. */
  mapIncidentIds(): number[];
  /** Incident ids in the list beside the map. */
  listIncidentIds(): number[];
  lastApplyMs(): number;
  /** When (Date.now) an incident first reached the map source and the list; null if not yet. */
  shownAt(id: number): { map: number | null; list: number | null };
  beeps(): number;
  layer: LiveIncidentLayer;
  store: IncidentStore;
}

export interface LiveCommand {
  /** Elements the view lays over the map: side panel, alert banner, replay bar. */
  elements: HTMLElement[];
  hooks: LiveHooks | null;
  /** Settles once the first incident snapshot is on the map's source (or failed to load, or is not permitted). */
  loaded: Promise<void>;
  relabel(): void;
  destroy(): void;
}

/** What the incident list and map start from: open incidents, the newest of any state, categories. */
export interface IncidentSnapshot {
  open: Incident[];
  recent: Incident[];
  categories: IncidentCategory[];
}

export interface LiveOptions {
  /** A snapshot already being fetched (started with the view, before the map was ready). */
  first?: Promise<IncidentSnapshot> | null;
  /** Called on every live camera health change (after its feature-state is set). */
  onCameraStatus?: () => void;
}

/**
 * Live first, then the snapshot: events after `ready` are newer than or equal to what the list
 * returns, and the store keeps whichever is newer per incident. Every open incident, plus the
 * newest of any state (closed ones for the time filters and the replay); the two overlap, the
 * store keys them by id.
 */
export async function fetchIncidentSnapshot(
  ctx: ViewContext,
  api = new IncidentsApi(ctx.api.http),
): Promise<IncidentSnapshot> {
  await ctx.realtime.ready(READY_TIMEOUT_MS);
  const [open, recent, categories] = await Promise.all([
    api.list({ open: true }),
    api.list({}, RECENT_ANY_STATE),
    api.categories(),
  ]);
  return { open, recent, categories };
}

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/**
 * The command map's live half: incidents (list, map layer, detail, alerts, replay), live
 * camera health, and today's daily reports, all fed by the app's realtime store.
 */
export function startLiveCommand(map: MapLibreMap, ctx: ViewContext, options: LiveOptions = {}): LiveCommand {
  const t = (): CommandTranslate => commandT(ctx.languages);
  const language = () => ctx.languages.language;
  const permissions = new Set(ctx.session.permissions);
  const offs: (() => void)[] = [];

  if (permissions.has("cameras:read")) offs.push(followCameraStatus(map, ctx, options.onCameraStatus));
  if (!permissions.has("incidents:read")) {
    return {
      elements: [],
      hooks: null,
      loaded: Promise.resolve(),
      relabel() {},
      destroy: () => {
        for (const off of offs) off();
      },
    };
  }

  const api = new IncidentsApi(ctx.api.http);
  const store = new IncidentStore();
  const layer = new LiveIncidentLayer(map, store);
  const sound = new AlertSound(safeStorage());
  let categories: IncidentCategory[] = [];
  let filter = DEFAULT_FILTER;

  const panel = new IncidentPanel({
    api,
    t,
    language,
    categories: () => categories,
    filter: () => filter,
    onFilter: (next) => {
      filter = next;
      layer.setFilter(next);
      panel.renderFilters();
      refreshList();
    },
    onSelect: (id) => {
      layer.select(id);
      const item = id === null ? undefined : store.get(id);
      if (item?.lon != null && item.lat != null) {
        map.easeTo({ center: [item.lon, item.lat], zoom: Math.max(map.getZoom(), 15), duration: 400 });
      }
    },
    onIncident: (incident) => store.upsert([itemFromIncident(incident)]),
  });

  const banner = h("div", {
    className: "alert-banner",
    attrs: { hidden: "", role: "alert", "data-testid": "alert-banner" },
  });
  const muteButton = h("button", {
    className: "mute-button",
    attrs: { type: "button", "data-testid": "mute" },
  });
  const renderMute = () => {
    muteButton.textContent = sound.muted ? t()("command.alert.unmute") : t()("command.alert.mute");
    muteButton.setAttribute("aria-pressed", String(sound.muted));
  };
  muteButton.addEventListener("click", () => {
    sound.unlock();
    sound.setMuted(!sound.muted);
    renderMute();
  });
  renderMute();
  const unlock = () => sound.unlock();
  map.getContainer().ownerDocument.addEventListener("pointerdown", unlock, { once: true });

  const reports = permissions.has("reports:read") ? new ReportsBox(api, t, language) : null;
  panel.extras.append(
    h("div", { className: "panel-head" }, h("h2", { text: t()("command.incidents") }), muteButton),
    ...(reports ? [reports.element] : []),
  );
  const heading = panel.extras.querySelector("h2");

  const replay = new ReplayBar(t, language, (at) => {
    layer.setReplay(at);
    refreshList();
  });

  const firstListedAt = new Map<number, number>();
  let listFrame: number | null = null;
  let listTimer: ReturnType<typeof setTimeout> | null = null;
  const renderList = () => {
    if (listFrame !== null) cancelAnimationFrame(listFrame);
    if (listTimer !== null) clearTimeout(listTimer);
    listFrame = null;
    listTimer = null;
    const items = layer.visible();
    panel.setItems(items);
    const now = Date.now();
    for (const item of items) if (!firstListedAt.has(item.id)) firstListedAt.set(item.id, now);
  };
  const refreshList = () => {
    if (listFrame !== null || listTimer !== null) return;
    // A frame normally; the timer covers a hidden or busy tab, where frames stop or lag.
    listFrame = requestAnimationFrame(renderList);
    listTimer = setTimeout(renderList, 100);
  };
  offs.push(store.subscribe(refreshList));

  const showAlert = (item: IncidentItem) => {
    banner.replaceChildren(
      h("span", { text: t()("command.alert.high", { title: `${item.reference} ${item.title}` }) }),
      h("button", {
        text: t()("command.alert.dismiss"),
        attrs: { type: "button" },
        on: { click: () => (banner.hidden = true) },
      }),
    );
    banner.hidden = false;
    banner.dataset.incidentId = String(item.id);
    sound.beep();
  };

  offs.push(
    ctx.realtime.subscribe("incident.created", (event) => {
      const item = itemFromSummary(event.payload.incident, store.get(event.payload.incident.id));
      store.upsert([item]);
      if (isHighPriority(item.priority)) showAlert(item);
    }),
    ctx.realtime.subscribe("incident.updated", (event) => {
      const id = event.payload.incident.id;
      store.upsert([itemFromSummary(event.payload.incident, store.get(id))]);
      panel.refreshDetail(id);
    }),
  );
  if (reports) {
    offs.push(
      ctx.realtime.subscribe("report.filed", (event) => reports.onFiled(event.payload)),
      ctx.realtime.subscribe("report.missing", () => reports.onMissing()),
    );
  }

  let first = options.first ?? null;
  const load = async () => {
    panel.setLoading(t()("command.loading"));
    try {
      const snapshot = await (first ?? fetchIncidentSnapshot(ctx, api));
      first = null;
      categories = snapshot.categories;
      store.replaceAll([...snapshot.recent, ...snapshot.open].map(itemFromIncident));
      panel.renderFilters();
      panel.setLoading(null);
      refreshList();
      await layer.flush();
    } catch (error) {
      first = null;
      if (isApiError(error) && error.status === 401) return ctx.onUnauthenticated();
      panel.setFailed(`${t()("command.loadFailed")} ${errorMessage(error, t())}`, () => void load());
    }
  };
  offs.push(ctx.realtime.onResync(() => void load()));
  const loaded = load();
  void reports?.load();

  const onClick = (event: MapMouseEvent) => clickIncident(map, event, panel, layer);
  map.on("click", onClick);
  offs.push(() => map.off("click", onClick));
  for (const id of [INCIDENT_LAYER.points, INCIDENT_LAYER.clusters]) {
    const enter = () => (map.getCanvas().style.cursor = "pointer");
    const leave = () => (map.getCanvas().style.cursor = "");
    map.on("mouseenter", id, enter);
    map.on("mouseleave", id, leave);
  }

  return {
    elements: [panel.element, banner, replay.element],
    loaded,
    hooks: {
      mapIncidentIds: () => layer.featureIds.map(Number),
      listIncidentIds: () =>
        [...panel.element.querySelectorAll<HTMLElement>("[data-incident-id]")].map((li) =>
          Number(li.dataset.incidentId),
        ),
      lastApplyMs: () => layer.lastApplyMs,
      shownAt: (id) => ({ map: layer.firstShownAt.get(id) ?? null, list: firstListedAt.get(id) ?? null }),
      beeps: () => sound.beeps,
      layer,
      store,
    },
    relabel() {
      if (heading) heading.textContent = t()("command.incidents");
      renderMute();
      panel.relabel();
      reports?.render();
      replay.render();
    },
    destroy() {
      for (const off of offs) off();
      map.getContainer().ownerDocument.removeEventListener("pointerdown", unlock);
      layer.destroy();
      sound.close();
      if (listFrame !== null) cancelAnimationFrame(listFrame);
      if (listTimer !== null) clearTimeout(listTimer);
    },
  };
}

/** An incident dot opens its detail; a cluster zooms to its incidents (far enough, it splits). */
function clickIncident(
  map: MapLibreMap,
  event: MapMouseEvent,
  panel: IncidentPanel,
  layer: LiveIncidentLayer,
): void {
  if (!map.getLayer(INCIDENT_LAYER.points)) return;
  const box: [[number, number], [number, number]] = [
    [event.point.x - 6, event.point.y - 6],
    [event.point.x + 6, event.point.y + 6],
  ];
  const [point] = map.queryRenderedFeatures(box, { layers: [INCIDENT_LAYER.points] });
  if (point && point.id !== undefined) return void panel.open(Number(point.id));
  const [cluster] = map.queryRenderedFeatures(box, { layers: [INCIDENT_LAYER.clusters] });
  const bounds = cluster?.id === undefined ? null : layer.clusterBounds(Number(cluster.id));
  if (bounds) map.fitBounds(bounds, { padding: 80, maxZoom: CLUSTER_MAX_ZOOM + 1 });
}

/**
 * Live camera health as feature-state on the static camera source (GeoJSON or tiles, by camera
 * id) and on its view cones.
 */
function followCameraStatus(map: MapLibreMap, ctx: ViewContext, changed?: () => void): () => void {
  return ctx.realtime.subscribe("camera.status", (event) => {
    const { cameraId, status } = event.payload;
    setStaticState(map, SOURCE.cameras, cameraId, { status });
    setStaticState(map, SOURCE.cameraCones, cameraId, { status });
    changed?.();
  });
}
