import { isApiError } from "../../api/errors.js";
import type { PlatesApi } from "../../api/plates-api.js";
import type { Session } from "../../api/schemas.js";
import { type Language, type MessageKey, type Translate, viewTranslator } from "../../i18n/i18n.js";
import type { LanguageStore } from "../../i18n/language-store.js";
import { errorMessage } from "../../ui/error-message.js";
import type { LoadableLabels } from "../../ui/loadable.js";
import { platesMessages } from "./plates.messages.js";

export type PlatesTranslate = Translate<MessageKey | (typeof platesMessages.keys)[number]>;

export interface PlatesContext {
  api: PlatesApi;
  session: Session;
  t(): PlatesTranslate;
  language(): Language;
  describeError(error: unknown): string;
  loadableLabels(): LoadableLabels;
  can(permission: string): boolean;
}

export function platesContext(deps: {
  api: PlatesApi;
  session: Session;
  languages: LanguageStore;
  onUnauthenticated: () => void;
}): PlatesContext {
  const t = (): PlatesTranslate => viewTranslator(platesMessages, deps.languages.t);
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
      loading: t()("plates.loading"),
      failed: t()("plates.loadFailed"),
      retry: t()("plates.retry"),
      detail: describeError,
    }),
    can: (permission) => deps.session.permissions.includes(permission),
  };
}

export interface PlatesPanel {
  element: HTMLElement;
  render(): void;
  destroy?(): void;
}
