import { MATCH_LEVELS, PLATE_COLOURS, PRIORITIES, type ReasonCode } from "../../api/plates-api.js";
import type { Language } from "../../i18n/i18n.js";
import type { PlatesTranslate } from "./plates-context.js";

const isOneOf = <T extends string>(list: readonly T[], value: string): value is T =>
  (list as readonly string[]).includes(value);

export function colourLabel(colour: string | null, t: PlatesTranslate): string {
  if (colour === null) return t("plates.hotlists.anyColour");
  return isOneOf(PLATE_COLOURS, colour) ? t(`plates.colour.${colour}`) : colour;
}

export function matchLabel(level: string, t: PlatesTranslate): string {
  return isOneOf(MATCH_LEVELS, level) ? t(`plates.match.${level}`) : level;
}

export function priorityLabel(priority: string, t: PlatesTranslate): string {
  return isOneOf(PRIORITIES, priority) ? t(`plates.priority.${priority}`) : priority;
}

/** Reason codes come from the server with both names; unknown codes show as themselves. */
export function reasonLabel(code: string, reasons: readonly ReasonCode[], language: Language): string {
  const reason = reasons.find((r) => r.code === code);
  if (!reason) return code;
  return language === "en" ? reason.name_en : reason.name;
}
