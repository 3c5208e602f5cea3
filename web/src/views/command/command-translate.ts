import type { MessageKey, Translate } from "../../i18n/i18n.js";
import { viewTranslator } from "../../i18n/i18n.js";
import type { LanguageStore } from "../../i18n/language-store.js";
import { incidentMessages } from "../../incidents/incidents.messages.js";
import { commandMessages } from "./command.messages.js";

type Keys = MessageKey | (typeof commandMessages)["keys"][number] | (typeof incidentMessages)["keys"][number];
export type CommandTranslate = Translate<Keys>;

/** The command map's translator: shared, incident and command keys. */
export function commandT(languages: LanguageStore): CommandTranslate {
  return viewTranslator(
    commandMessages,
    viewTranslator(incidentMessages, languages.t) as Translate,
  ) as CommandTranslate;
}
