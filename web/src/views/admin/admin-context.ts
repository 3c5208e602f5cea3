import type { AdminApi } from "../../api/admin-api.js";
import { isApiError } from "../../api/errors.js";
import type { GridOpsApi } from "../../api/gridops-api.js";
import type { Session } from "../../api/schemas.js";
import {
  isMessageKey,
  type Language,
  type MessageKey,
  type Translate,
  viewTranslator,
} from "../../i18n/i18n.js";
import type { LanguageStore } from "../../i18n/language-store.js";
import { errorMessage } from "../../ui/error-message.js";
import type { LoadableLabels } from "../../ui/loadable.js";
import { adminMessages } from "./admin.messages.js";
import type { CellPickerLabels } from "./cell-picker.js";
import { permissionMessages } from "./permissions.messages.js";

type AdminKey = (typeof adminMessages.keys)[number] | (typeof permissionMessages.keys)[number];
export type AdminTranslate = Translate<MessageKey | AdminKey>;

/** What every admin panel shares: the API clients, the session, the language and error handling. */
export interface AdminContext {
  api: AdminApi;
  grid: Pick<GridOpsApi, "cells" | "cameras">;
  session: Session;
  languages: LanguageStore;
  t(): AdminTranslate;
  language(): Language;
  /** Shows the error text for a failed call; a 401 sends the user to the login page instead. */
  describeError(error: unknown): string;
  loadableLabels(): LoadableLabels;
  cellPickerLabels(): CellPickerLabels;
  can(permission: string): boolean;
}

export function adminContext(deps: {
  api: AdminApi;
  grid: Pick<GridOpsApi, "cells" | "cameras">;
  session: Session;
  languages: LanguageStore;
  onUnauthenticated: () => void;
}): AdminContext {
  const t = (): AdminTranslate =>
    viewTranslator(permissionMessages, viewTranslator(adminMessages, deps.languages.t)) as AdminTranslate;
  const describeError = (error: unknown) => {
    if (isApiError(error) && error.status === 401) queueMicrotask(deps.onUnauthenticated);
    return errorMessage(error, deps.languages.t);
  };
  return {
    ...deps,
    t,
    language: () => deps.languages.language,
    describeError,
    loadableLabels: () => ({
      loading: t()("admin.loading"),
      failed: t()("admin.loadFailed"),
      retry: t()("admin.retry"),
      detail: describeError,
    }),
    cellPickerLabels: () => ({
      filter: t()("admin.cells.filter"),
      selected: (count) => t()("admin.cells.selected", { count }),
      more: (count) => t()("admin.cells.more", { count }),
      level: (level) => {
        const key = `level.${level}`;
        return isMessageKey(key) ? t()(key) : level;
      },
    }),
    can: (permission) => deps.session.permissions.includes(permission),
  };
}
