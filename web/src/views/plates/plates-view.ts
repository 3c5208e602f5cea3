import "../../ui/page.css";
import type { CheckpointCollection, GridOpsApi } from "../../api/gridops-api.js";
import { PlatesApi } from "../../api/plates-api.js";
import type { Session } from "../../api/schemas.js";
import type { LanguageStore } from "../../i18n/language-store.js";
import type { RealtimeStore } from "../../realtime/realtime-store.js";
import { h } from "../../ui/dom.js";
import { setHashParam, watchHashParam } from "../../ui/hash-param.js";
import { renderTabs } from "../../ui/tabs.js";
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
  return (Object.keys(TAB_PERMISSION) as PlatesTab[]).filter((tab) =>
    permissions.includes(TAB_PERMISSION[tab]),
  );
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
  const tabs = platesTabs(deps.session.permissions);
  const requested = deps.params.get("tab");
  let active: PlatesTab | undefined = tabs.find((tab) => tab === requested) ?? tabs[0];
  const panels = new Map<PlatesTab, PlatesPanel>();
  const title = h("h2", { className: "view-title" });
  const tabBar = h("div", {});
  const body = h("div", {});
  const element = h(
    "main",
    { className: "page-view plates-view", attrs: { "data-testid": "plates-view" } },
    title,
    tabBar,
    body,
  );

  const select = (tab: PlatesTab) => {
    active = tab;
    setHashParam("tab", tab);
    render();
  };

  function render() {
    const t = ctx.t();
    title.textContent = t("plates.title");
    if (!active) {
      tabBar.replaceChildren();
      return body.replaceChildren(h("p", { text: t("error.forbidden") }));
    }
    tabBar.replaceChildren(
      renderTabs(
        tabs.map((id) => ({ id, label: t(`plates.tab.${id}`) })),
        active,
        select,
        "plates-tab",
      ),
    );
    let panel = panels.get(active);
    if (!panel) {
      panel = factories[active]();
      panels.set(active, panel);
    }
    panel.render();
    body.replaceChildren(panel.element);
  }

  const unwatch = watchHashParam("tab", (value) => {
    const tab = tabs.find((candidate) => candidate === value);
    if (tab && tab !== active) select(tab);
  });
  render();
  return {
    element,
    render: () => render(),
    destroy() {
      unwatch();
      for (const panel of panels.values()) panel.destroy?.();
    },
  };
}
