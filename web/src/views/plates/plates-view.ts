import "../../ui/page.css";
import type { CheckpointCollection, GridOpsApi } from "../../api/gridops-api.js";
import { PlatesApi } from "../../api/plates-api.js";
import type { Session } from "../../api/schemas.js";
import type { LanguageStore } from "../../i18n/language-store.js";
import type { RealtimeStore } from "../../realtime/realtime-store.js";
import { createTabbedView, permittedTabs } from "../../ui/tabbed-view.js";
import { createDeadLettersPanel } from "./dead-letters-panel.js";
import { createFlowPanel } from "./flow-panel.js";
import { createHitsPanel } from "./hits-panel.js";
import { createHotlistsPanel } from "./hotlists-panel.js";
import { type PlatesContext, type PlatesPanel, platesContext } from "./plates-context.js";
import { createSearchPanel } from "./search-panel.js";

export interface PlatesViewDeps {
  api: Pick<GridOpsApi, "checkpoints">;
  session: Session;
  languages: LanguageStore;
  realtime: Pick<RealtimeStore, "subscribe">;
  params: URLSearchParams;
  onUnauthenticated: () => void;
  platesApi?: PlatesApi;
}

export type PlatesTab = "hits" | "flow" | "hotlists" | "search" | "deadletters";

const TAB_PERMISSION: Record<PlatesTab, string> = {
  hits: "hits:read",
  flow: "plates:counts",
  hotlists: "hotlists:read",
  search: "plates:search",
  deadletters: "deadletters:read",
};

/** The tabs this session may open: each needs its own permission (the server checks it again). */
export function platesTabs(permissions: readonly string[]): PlatesTab[] {
  return permittedTabs(TAB_PERMISSION, permissions);
}

/** Plate analysis (`#/plates?tab=search`): hits, checkpoint flow, hotlists, search, dead letters. */
export function createPlatesView(deps: PlatesViewDeps) {
  const ctx: PlatesContext = platesContext({
    api: deps.platesApi ?? new PlatesApi(),
    session: deps.session,
    languages: deps.languages,
    onUnauthenticated: deps.onUnauthenticated,
  });
  let checkpoints: Promise<CheckpointCollection> | null = null;
  const loadCheckpoints = () => {
    checkpoints ??= deps.api.checkpoints().catch((error: unknown) => {
      checkpoints = null;
      throw error;
    });
    return checkpoints;
  };
  const factories: Record<PlatesTab, () => PlatesPanel> = {
    hits: () => createHitsPanel(ctx, deps.realtime),
    flow: () => createFlowPanel(ctx, loadCheckpoints, deps.realtime),
    hotlists: () => createHotlistsPanel(ctx),
    search: () => createSearchPanel(ctx, loadCheckpoints),
    deadletters: () => createDeadLettersPanel(ctx),
  };
  return createTabbedView<PlatesTab>({
    className: "page-view plates-view",
    testId: "plates-view",
    tabs: platesTabs(deps.session.permissions),
    requested: deps.params.get("tab"),
    panel: (tab) => factories[tab](),
    title: () => ctx.t()("plates.title"),
    tabLabel: (tab) => ctx.t()(`plates.tab.${tab}`),
    forbidden: () => ctx.t()("error.forbidden"),
    tabTestIdPrefix: "plates-tab",
  });
}
