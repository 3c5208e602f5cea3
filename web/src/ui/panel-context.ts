import { isApiError } from "../api/errors.js";
import type { Session } from "../api/schemas.js";
import type { Language, Translate } from "../i18n/i18n.js";
import type { LanguageStore } from "../i18n/language-store.js";
import { errorMessage } from "./error-message.js";
import { type Loadable, type LoadableLabels, renderLoadable } from "./loadable.js";

/** What every back-office panel (admin, technician, plates) gets from its view. */
export interface PanelContext<T> {
  session: Session;
  t(): T;
  language(): Language;
  /** Shows the error text for a failed call; a 401 sends the user to the login page instead. */
  describeError(error: unknown): string;
  loadableLabels(): LoadableLabels;
  /** `renderLoadable` with this view's loading texts: the spinner, the error with `retry`, or the data. */
  renderLoadable<D>(value: Loadable<D>, retry: () => void, renderData: (data: D) => Node): Node;
  can(permission: string): boolean;
}

export interface PanelContextDeps {
  session: Session;
  languages: LanguageStore;
  onUnauthenticated: () => void;
}

/** The shared part of a view's panel context; `labels` names the view's own loading texts. */
export function panelContext<T extends Translate<K>, K extends string>(
  deps: PanelContextDeps,
  t: () => T,
  labels: { loading: K; failed: K; retry: K },
): PanelContext<T> {
  const describeError = (error: unknown) => {
    if (isApiError(error) && error.status === 401) queueMicrotask(deps.onUnauthenticated);
    return errorMessage(error, deps.languages.t);
  };
  const loadableLabels = (): LoadableLabels => ({
    loading: t()(labels.loading),
    failed: t()(labels.failed),
    retry: t()(labels.retry),
    detail: describeError,
  });
  return {
    session: deps.session,
    t,
    language: () => deps.languages.language,
    describeError,
    loadableLabels,
    renderLoadable: (value, retry, renderData) => renderLoadable(value, loadableLabels(), retry, renderData),
    can: (permission) => deps.session.permissions.includes(permission),
  };
}
