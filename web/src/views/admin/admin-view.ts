import "../../ui/page.css";
import { AdminApi } from "../../api/admin-api.js";
import type { GridOpsApi } from "../../api/gridops-api.js";
import type { Session } from "../../api/schemas.js";
import type { LanguageStore } from "../../i18n/language-store.js";
import { createTabbedView, permittedTabs } from "../../ui/tabbed-view.js";
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
  return permittedTabs(TAB_PERMISSION, permissions);
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
  return createTabbedView<AdminTab>({
    className: "page-view admin-view",
    testId: "admin-view",
    tabs: adminTabs(deps.session.permissions),
    requested: deps.params.get("tab"),
    panel: (tab) => PANELS[tab](ctx),
    title: () => ctx.t()("admin.title"),
    tabLabel: (tab) => ctx.t()(`admin.tab.${tab}`),
    forbidden: () => ctx.t()("error.forbidden"),
    tabTestIdPrefix: "admin-tab",
    tabBarClass: "view-tabs",
    bodyClass: "view-body",
  });
}
