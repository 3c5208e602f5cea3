import type { Session } from "../api/schemas.js";
import type { Language, Translate } from "../i18n/i18n.js";
import { h } from "./dom.js";
import { languageSwitch } from "./language-switch.js";
import { userMenu } from "./user-menu.js";

export interface HeaderProps {
  language: Language;
  t: Translate;
  session: Session | null;
  onLanguage: (language: Language) => void;
  onLogout: () => void;
}

export function renderHeader(props: HeaderProps): HTMLElement {
  const { t } = props;
  return h(
    "header",
    { className: "app-header" },
    h("div", { className: "brand" }, h("span", { className: "brand-name", text: t("app.name") })),
    props.session
      ? h(
          "nav",
          { className: "app-nav" },
          h("span", { className: "nav-item active", text: t("nav.commandMap") }),
        )
      : null,
    h("div", { className: "header-spacer" }),
    languageSwitch(props.language, t, props.onLanguage),
    props.session ? userMenu(props.session, t, props.onLogout) : null,
  );
}
