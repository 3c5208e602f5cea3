import "../../ui/page.css";
import type { GridOpsApi } from "../../api/gridops-api.js";
import type { Session } from "../../api/schemas.js";
import { TechnicianApi } from "../../api/technician-api.js";
import type { LanguageStore } from "../../i18n/language-store.js";
import type { RealtimeStore } from "../../realtime/realtime-store.js";
import { toolbar } from "../../ui/actions.js";
import { h } from "../../ui/dom.js";
import { setHashParam, watchHashParam } from "../../ui/hash-param.js";
import { renderTabs } from "../../ui/tabs.js";
import { type CameraPage, createCameraPage } from "./camera-page.js";
import { createFleetBoard } from "./fleet-board.js";
import { createFleetMap } from "./fleet-map.js";
import { techContext } from "./technician-context.js";
import { createTicketsPanel } from "./tickets-panel.js";

export interface TechnicianViewDeps {
  api: Pick<GridOpsApi, "cameras" | "cells">;
  session: Session;
  languages: LanguageStore;
  realtime: Pick<RealtimeStore, "subscribe" | "onResync">;
  params: URLSearchParams;
  onUnauthenticated: () => void;
  technicianApi?: TechnicianApi;
}

type TechTab = "fleet" | "tickets";

/**
 * Camera operations (`#/tech`, `#/tech?tab=tickets`, `#/tech?camera=<id>`): the fleet board with
 * live health, repair tickets, and one camera's page. Shows no plate data at all.
 */
export function createTechnicianView(deps: TechnicianViewDeps) {
  const ctx = techContext({
    api: deps.technicianApi ?? new TechnicianApi(),
    session: deps.session,
    languages: deps.languages,
    onUnauthenticated: deps.onUnauthenticated,
  });
  const map = createFleetMap(
    () => deps.api.cameras(),
    (id) => openCamera(id),
  );
  const board = createFleetBoard(
    ctx,
    map,
    (id) => openCamera(id),
    () => deps.api.cells(),
  );
  const tickets = ctx.can("tickets:read") ? createTicketsPanel(ctx, null) : null;
  const tabs: TechTab[] = tickets ? ["fleet", "tickets"] : ["fleet"];
  let tab: TechTab = deps.params.get("tab") === "tickets" && tickets ? "tickets" : "fleet";
  let camera: { id: string; page: CameraPage } | null = null;

  const title = h("h2", { className: "view-title" });
  const tabBar = h("div", {});
  const live = h("span", { className: "field-hint", attrs: { "data-testid": "tech-live" } });
  const body = h("div", {});
  const element = h(
    "main",
    { className: "page-view technician-view", attrs: { "data-testid": "technician-view" } },
    toolbar(title, live),
    tabBar,
    body,
  );

  function openCamera(id: string | null) {
    camera = id ? { id, page: createCameraPage(ctx, id, () => openCamera(null)) } : null;
    setHashParam("camera", id ?? "");
    render();
  }

  const selectTab = (next: TechTab) => {
    tab = next;
    camera = null;
    setHashParam("tab", next);
    setHashParam("camera", "");
    render();
  };

  function render() {
    const t = ctx.t();
    title.textContent = t("tech.title");
    live.textContent = t("tech.live");
    tabBar.replaceChildren(
      renderTabs(
        tabs.map((id) => ({ id, label: t(`tech.tab.${id}`) })),
        camera ? "fleet" : tab,
        selectTab,
        "tech-tab",
      ),
    );
    if (camera) {
      camera.page.render();
      return body.replaceChildren(camera.page.element);
    }
    if (tab === "tickets" && tickets) {
      tickets.render();
      return body.replaceChildren(tickets.element);
    }
    board.render();
    body.replaceChildren(board.element);
  }

  const offStatus = deps.realtime.subscribe("camera.status", (event) => {
    const { payload } = event;
    board.applyStatus({
      cameraId: payload.cameraId,
      status: payload.status,
      previousStatus: payload.previousStatus,
      since: payload.since,
      reason: payload.reason,
    });
    if (camera?.id === payload.cameraId) camera.page.refresh();
  });
  // Events were missed and cannot be replayed: reload what is on screen.
  const offResync = deps.realtime.onResync(() => {
    board.reload();
    tickets?.reload();
    camera?.page.refresh();
  });
  const unwatchCamera = watchHashParam("camera", (value) => {
    if ((value || null) !== (camera?.id ?? null)) openCamera(value || null);
  });

  ctx.api
    .healthLabels()
    .then((labels) => {
      ctx.setLabels(labels);
      render();
    })
    .catch((error: unknown) => console.warn("health labels not loaded", error));

  const initialCamera = deps.params.get("camera");
  if (initialCamera)
    camera = { id: initialCamera, page: createCameraPage(ctx, initialCamera, () => openCamera(null)) };
  render();
  return {
    element,
    render: () => render(),
    destroy() {
      offStatus();
      offResync();
      unwatchCamera();
      map.destroy();
    },
  };
}
