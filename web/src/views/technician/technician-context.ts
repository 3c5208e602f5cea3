import type { HealthLabels, TechnicianApi } from "../../api/technician-api.js";
import { isMessageKey, type MessageKey, type Translate, viewTranslator } from "../../i18n/i18n.js";
import { durationParts } from "../../ui/format.js";
import { type PanelContext, type PanelContextDeps, panelContext } from "../../ui/panel-context.js";
import { technicianMessages } from "./technician.messages.js";

export type TechTranslate = Translate<MessageKey | (typeof technicianMessages.keys)[number]>;

export interface TechContext extends PanelContext<TechTranslate> {
  api: TechnicianApi;
  stateLabel(state: string): string;
  reasonLabel(reason: string): string;
  /** "3 h" since an instant. */
  duration(since: string): string;
  /** Sets the server's reason labels once they are loaded (until then reasons show as codes). */
  setLabels(labels: HealthLabels): void;
}

export function techContext(deps: PanelContextDeps & { api: TechnicianApi }): TechContext {
  let labels: HealthLabels | null = null;
  const t = (): TechTranslate => viewTranslator(technicianMessages, deps.languages.t);
  return {
    ...panelContext(deps, t, { loading: "tech.loading", failed: "tech.loadFailed", retry: "tech.retry" }),
    api: deps.api,
    stateLabel: (state) => {
      const key = `status.${state}`;
      return isMessageKey(key) ? t()(key) : state;
    },
    reasonLabel: (reason) => labels?.reasons[reason]?.[deps.languages.language] ?? reason,
    duration: (since) => {
      const parts = durationParts(since, new Date());
      return parts ? t()(`tech.duration.${parts.unit}`, { value: parts.value }) : t()("tech.none");
    },
    setLabels: (next) => {
      labels = next;
    },
  };
}
