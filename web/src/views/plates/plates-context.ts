import type { PlatesApi } from "../../api/plates-api.js";
import { type MessageKey, type Translate, viewTranslator } from "../../i18n/i18n.js";
import { type PanelContext, type PanelContextDeps, panelContext } from "../../ui/panel-context.js";
import { platesMessages } from "./plates.messages.js";

export type PlatesTranslate = Translate<MessageKey | (typeof platesMessages.keys)[number]>;

export interface PlatesContext extends PanelContext<PlatesTranslate> {
  api: PlatesApi;
}

export function platesContext(deps: PanelContextDeps & { api: PlatesApi }): PlatesContext {
  const t = (): PlatesTranslate => viewTranslator(platesMessages, deps.languages.t);
  return {
    ...panelContext(deps, t, {
      loading: "plates.loading",
      failed: "plates.loadFailed",
      retry: "plates.retry",
    }),
    api: deps.api,
  };
}

export interface PlatesPanel {
  element: HTMLElement;
  render(): void;
  destroy?(): void;
}
