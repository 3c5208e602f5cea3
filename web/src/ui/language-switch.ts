import { LANGUAGES, type Language, type Translate } from "../i18n/i18n.js";
import { h } from "./dom.js";

/** Two buttons, each labelled in its own language so either reader can find theirs. */
export function languageSwitch(current: Language, t: Translate, onChange: (language: Language) => void) {
  return h(
    "div",
    { className: "language-switch", attrs: { role: "group", "aria-label": t("language.label") } },
    ...LANGUAGES.map((language) =>
      h("button", {
        className: language === current ? "active" : "",
        text: t(`language.${language}`),
        attrs: {
          type: "button",
          lang: language,
          "aria-pressed": String(language === current),
          "data-testid": `language-${language}`,
        },
        on: { click: () => onChange(language) },
      }),
    ),
  );
}
