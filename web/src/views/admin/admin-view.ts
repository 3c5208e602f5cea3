import "../../ui/page.css";
import { AdminApi } from "../../api/admin-api.js";
import type { GridOpsApi } from "../../api/gridops-api.js";
import type { Session } from "../../api/schemas.js";
import type { LanguageStore } from "../../i18n/language-store.js";
import { h } from "../../ui/dom.js";
import { setHashParam, watchHashParam } from "../../ui/hash-param.js";
import { renderTabs } from "../../ui/tabs.js";
import { type AdminContext, adminContext } from "./admin-context.js";
import { createAuditPanel } from "./audit-panel.js";
import { createRolesPanel } from "./roles-panel.js";
import { createTokensPanel } from "./tokens-panel.js";
import { createUsersPanel, type Panel } from "./users-panel.js";

export interface AdminViewDeps {
  api: Pick<GridOpsApi, "cells" | "cameras">;
  session: Session;
  languages: LanguageStore;
  params: URLSearchParams;
  onUnauthenticated: () => void;
  /** Injected by tests; the default talks to this page's origin. */
  adminApi?: AdminApi;
}

export type AdminTab = "users" | "roles" | "tokens" | "audit";

const TAB_PERMISSION: Record<AdminTab, string> = {
  users: "users:manage",
  roles: "users:manage",
  tokens: "tokens:manage",
  audit: "audit:read",
};

const PANELS: Record<AdminTab, (ctx: AdminContext) => Panel> = {
  users: createUsersPanel,
  roles: createRolesPanel,
  tokens: createTokensPanel,
  audit: createAuditPanel,
};

/** The tabs this session may open, in display order: the UI hides what the server would refuse. */
export function adminTabs(permissions: readonly string[]): AdminTab[] {
  return (Object.keys(TAB_PERMISSION) as AdminTab[]).filter((tab) =>
    permissions.includes(TAB_PERMISSION[tab]),
  );
}

/** Administration: users, roles → permissions, API tokens, audit log (`#/admin?tab=tokens`). */
export function createAdminView(deps: AdminViewDeps) {
  const ctx = adminContext({
    api: deps.adminApi ?? new AdminApi(),
    grid: deps.api,
    session: deps.session,
    languages: deps.languages,
    onUnauthenticated: deps.onUnauthenticated,
  });
  const tabs = adminTabs(deps.session.permissions);
  const requested = deps.params.get("tab");
  let active: AdminTab | undefined = tabs.find((tab) => tab === requested) ?? tabs[0];
  const panels = new Map<AdminTab, Panel>();
  const tabBar = h("div", { className: "view-tabs" });
  const body = h("div", { className: "view-body" });
  const title = h("h2", { className: "view-title" });
  const element = h(
    "main",
    { className: "page-view admin-view", attrs: { "data-testid": "admin-view" } },
    title,
    tabBar,
    body,
  );

  const panelFor = (tab: AdminTab) => {
    let panel = panels.get(tab);
    if (!panel) {
      panel = PANELS[tab](ctx);
      panels.set(tab, panel);
    }
    return panel;
  };

  const select = (tab: AdminTab) => {
    active = tab;
    setHashParam("tab", tab);
    render();
  };
  const unwatch = watchHashParam("tab", (value) => {
    const tab = tabs.find((candidate) => candidate === value);
    if (tab && tab !== active) select(tab);
  });

  function render() {
    const t = ctx.t();
    title.textContent = t("admin.title");
    tabBar.replaceChildren(
      active
        ? renderTabs(
            tabs.map((tab) => ({ id: tab, label: t(`admin.tab.${tab}`) })),
            active,
            select,
            "admin-tab",
          )
        : "",
    );
    if (!active) return body.replaceChildren(h("p", { text: t("error.forbidden") }));
    const panel = panelFor(active);
    panel.render();
    body.replaceChildren(panel.element);
  }

  render();
  return { element, render: () => render(), destroy: unwatch };
}
