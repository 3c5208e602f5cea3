import type { AdminApi } from "../../api/admin-api.js";
import type { GridOpsApi } from "../../api/gridops-api.js";
import { isMessageKey, type MessageKey, type Translate, viewTranslator } from "../../i18n/i18n.js";
import type { LanguageStore } from "../../i18n/language-store.js";
import { type PanelContext, type PanelContextDeps, panelContext } from "../../ui/panel-context.js";
import { adminMessages } from "./admin.messages.js";
import type { CellPickerLabels } from "./cell-picker.js";
import { permissionMessages } from "./permissions.messages.js";

type AdminKey = (typeof adminMessages.keys)[number] | (typeof permissionMessages.keys)[number];
export type AdminTranslate = Translate<MessageKey | AdminKey>;

/** What every admin panel shares: the API clients, the session, the language and error handling. */
export interface AdminContext extends PanelContext<AdminTranslate> {
  api: AdminApi;
  grid: Pick<GridOpsApi, "cells" | "cameras">;
  languages: LanguageStore;
  cellPickerLabels(): CellPickerLabels;
}

export function adminContext(
  deps: PanelContextDeps & { api: AdminApi; grid: Pick<GridOpsApi, "cells" | "cameras"> },
): AdminContext {
  const t = (): AdminTranslate =>
    viewTranslator(permissionMessages, viewTranslator(adminMessages, deps.languages.t)) as AdminTranslate;
  return {
    ...panelContext(deps, t, { loading: "admin.loading", failed: "admin.loadFailed", retry: "admin.retry" }),
    api: deps.api,
    grid: deps.grid,
    languages: deps.languages,
    cellPickerLabels: () => ({
      filter: t()("admin.cells.filter"),
      selected: (count) => t()("admin.cells.selected", { count }),
      more: (count) => t()("admin.cells.more", { count }),
      level: (level) => {
        const key = `level.${level}`;
        return isMessageKey(key) ? t()(key) : level;
      },
    }),
  };
}
