import { isApiError } from "../../api/errors.js";
import type { Session } from "../../api/schemas.js";
import type { HealthLabels, TechnicianApi } from "../../api/technician-api.js";
import {
  isMessageKey,
  type Language,
  type MessageKey,
  type Translate,
  viewTranslator,
} from "../../i18n/i18n.js";
import type { LanguageStore } from "../../i18n/language-store.js";
import { errorMessage } from "../../ui/error-message.js";
import { durationParts } from "../../ui/format.js";
import type { LoadableLabels } from "../../ui/loadable.js";
import { technicianMessages } from "./technician.messages.js";

export type TechTranslate = Translate<MessageKey | (typeof technicianMessages.keys)[number]>;

export interface TechContext {
  api: TechnicianApi;
  session: Session;
  t(): TechTranslate;
  language(): Language;
  describeError(error: unknown): string;
  loadableLabels(): LoadableLabels;
  stateLabel(state: string): string;
  reasonLabel(reason: string): string;
  /** "3 h" since an instant. */
  duration(since: string): string;
  can(permission: string): boolean;
  /** Sets the server's reason labels once they are loaded (until then reasons show as codes). */
  setLabels(labels: HealthLabels): void;
}

export function techContext(deps: {
  api: TechnicianApi;
  session: Session;
  languages: LanguageStore;
  onUnauthenticated: () => void;
}): TechContext {
  let labels: HealthLabels | null = null;
  const t = (): TechTranslate => viewTranslator(technicianMessages, deps.languages.t);
  const describeError = (error: unknown) => {
    if (isApiError(error) && error.status === 401) queueMicrotask(deps.onUnauthenticated);
    return errorMessage(error, deps.languages.t);
  };
  return {
    api: deps.api,
    session: deps.session,
    t,
    language: () => deps.languages.language,
    describeError,
    loadableLabels: () => ({
      loading: t()("tech.loading"),
      failed: t()("tech.loadFailed"),
      retry: t()("tech.retry"),
      detail: describeError,
    }),
    stateLabel: (state) => {
      const key = `status.${state}`;
      return isMessageKey(key) ? t()(key) : state;
    },
    reasonLabel: (reason) => labels?.reasons[reason]?.[deps.languages.language] ?? reason,
    duration: (since) => {
      const parts = durationParts(since, new Date());
      return parts ? t()(`tech.duration.${parts.unit}`, { value: parts.value }) : t()("tech.none");
    },
    can: (permission) => deps.session.permissions.includes(permission),
    setLabels: (next) => {
      labels = next;
    },
  };
}
