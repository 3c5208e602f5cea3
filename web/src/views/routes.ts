import type { GridOpsApi } from "../api/gridops-api.js";
import type { AppConfig, Session } from "../api/schemas.js";
import type { MessageKey, Translate } from "../i18n/i18n.js";
import type { LanguageStore } from "../i18n/language-store.js";
import type { RealtimeStore } from "../realtime/realtime-store.js";
import { createAdminView } from "./admin/admin-view.js";
import { createCellsView } from "./cells/cells-view.js";
import { createCommandMapView } from "./command/command-map-view.js";
import { createGridLeaderView } from "./grid-leader/grid-leader-view.js";
import { createPlatesView } from "./plates/plates-view.js";
import { createTechnicianView } from "./technician/technician-view.js";

/** What every view gets from the app shell. */
export interface ViewContext {
  api: GridOpsApi;
  config: AppConfig;
  session: Session;
  languages: LanguageStore;
  /** The app's one Socket.IO connection (already started). */
  realtime: RealtimeStore;
  /** Query parameters of the hash route, e.g. `#/command?incident=12`. */
  params: URLSearchParams;
  /** Goes to another route, e.g. `navigate("/leader")`. */
  navigate: (path: RoutePath, params?: Record<string, string>) => void;
  /** Call when the server answers 401: the app shows the login page. */
  onUnauthenticated: () => void;
}

export interface View {
  element: HTMLElement;
  destroy?(): void;
  /** Relabel after a language switch. */
  render?(t: Translate): void;
}

export type RoutePath = `/${string}`;

export interface RouteDefinition {
  /** Hash path: `#/command` → "/command". */
  path: RoutePath;
  /** Nav label and document title. */
  titleKey: MessageKey;
  /** The session needs this permission for the view to appear in the nav and to open. */
  permission: string;
  /** Users with one of these roles land here after sign-in (first matching route wins). */
  defaultFor: readonly string[];
  create(ctx: ViewContext): View;
}

/**
 * The app's views. The order is the nav order and, for users with several roles, the
 * priority of default views. Other views add one line each here.
 */
export const ROUTES: readonly RouteDefinition[] = [
  {
    path: "/command",
    titleKey: "nav.commandMap",
    permission: "cells:read",
    defaultFor: ["commander", "operator", "viewer"],
    create: (ctx) => createCommandMapView(ctx),
  },
  {
    path: "/leader",
    titleKey: "nav.leader",
    permission: "incidents:handle",
    defaultFor: ["grid_leader", "grid_worker"],
    create: (ctx) => createGridLeaderView(ctx),
  },
  {
    path: "/cells",
    titleKey: "nav.cells",
    permission: "cells:edit",
    defaultFor: [],
    create: (ctx) => createCellsView(ctx),
  },
  {
    path: "/admin",
    titleKey: "nav.admin",
    permission: "users:manage",
    defaultFor: ["admin"],
    create: (ctx) => createAdminView(ctx),
  },
  {
    path: "/tech",
    titleKey: "nav.tech",
    permission: "health:read",
    defaultFor: ["technician"],
    create: (ctx) => createTechnicianView(ctx),
  },
  {
    path: "/plates",
    titleKey: "nav.plates",
    permission: "hits:read",
    defaultFor: ["plate_analyst"],
    create: (ctx) => createPlatesView(ctx),
  },
];
