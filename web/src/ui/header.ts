import "./header.css";
import type { Session } from "../api/schemas.js";
import type { Language, MessageKey, Translate } from "../i18n/i18n.js";
import { h } from "./dom.js";
import { languageSwitch } from "./language-switch.js";
import { userMenu } from "./user-menu.js";

export interface NavLink {
  href: string;
  titleKey: MessageKey;
  active: boolean;
}

export interface HeaderProps {
  language: Language;
  t: Translate;
  session: Session | null;
  /** Links to the views this session may open (empty when signed out). */
  nav: readonly NavLink[];
  /** Live-connection indicator, or null when signed out. */
  connection: HTMLElement | null;
  onLanguage: (language: Language) => void;
  onLogout: () => void;
}

function renderNav(links: readonly NavLink[], t: Translate): HTMLElement {
  return h(
    "nav",
    { className: "app-nav", attrs: { "aria-label": t("nav.label") } },
    ...links.map((link) =>
      h("a", {
        className: link.active ? "nav-item active" : "nav-item",
        text: t(link.titleKey),
        attrs: {
          href: link.href,
          "data-testid": `nav-${link.href.replace(/^#\//, "")}`,
          ...(link.active ? { "aria-current": "page" } : {}),
        },
      }),
    ),
  );
}

export function renderHeader(props: HeaderProps): HTMLElement {
  const { t } = props;
  return h(
    "header",
    { className: "app-header" },
    h("div", { className: "brand" }, h("span", { className: "brand-name", text: t("app.name") })),
    props.session ? renderNav(props.nav, t) : null,
    h("div", { className: "header-spacer" }),
    props.connection,
    languageSwitch(props.language, t, props.onLanguage),
    props.session ? userMenu(props.session, t, props.onLogout) : null,
  );
}
