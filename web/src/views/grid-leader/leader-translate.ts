import type { MessageKey, Translate } from "../../i18n/i18n.js";
import { viewTranslator } from "../../i18n/i18n.js";
import type { LanguageStore } from "../../i18n/language-store.js";
import { incidentMessages } from "../../incidents/incidents.messages.js";
import { leaderMessages } from "./grid-leader.messages.js";

type Keys = MessageKey | (typeof leaderMessages)["keys"][number] | (typeof incidentMessages)["keys"][number];
export type LeaderTranslate = Translate<Keys>;

export function leaderT(languages: LanguageStore): LeaderTranslate {
  return viewTranslator(
    leaderMessages,
    viewTranslator(incidentMessages, languages.t) as Translate,
  ) as LeaderTranslate;
}
