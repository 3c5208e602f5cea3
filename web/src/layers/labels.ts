import type { ExpressionSpecification } from "maplibre-gl";
import type { Language } from "../i18n/i18n.js";

/** The feature name to show: the Chinese name, or the English one in English when there is one. */
export function localizedNameExpression(language: Language): ExpressionSpecification {
  return language === "en" ? ["coalesce", ["get", "name_en"], ["get", "name"]] : ["get", "name"];
}
