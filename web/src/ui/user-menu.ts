import type { Session } from "../api/schemas.js";
import { isMessageKey, type Translate } from "../i18n/i18n.js";
import { h } from "./dom.js";

export function roleLabel(role: string, t: Translate): string {
  const key = `role.${role}`;
  return isMessageKey(key) ? t(key) : role;
}

/** The signed-in user's name; opens a panel with their roles and the sign-out button. */
export function userMenu(session: Session, t: Translate, onLogout: () => void): HTMLElement {
  const panel = h(
    "div",
    { className: "user-menu-panel", attrs: { role: "menu", hidden: "" } },
    h("div", { className: "user-menu-username", text: session.user.username }),
    h("div", { className: "user-menu-label", text: t("user.roles") }),
    h(
      "ul",
      { className: "user-menu-roles" },
      ...session.roles.map((role) => h("li", { text: roleLabel(role, t) })),
    ),
    h("button", {
      className: "user-menu-logout",
      text: t("user.logout"),
      attrs: { type: "button", role: "menuitem", "data-testid": "logout" },
      on: { click: onLogout },
    }),
  );
  const toggle = h("button", {
    className: "user-menu-toggle",
    text: session.user.displayName,
    attrs: {
      type: "button",
      "aria-haspopup": "menu",
      "aria-expanded": "false",
      "aria-label": t("user.menu"),
      "data-testid": "user-menu",
    },
  });
  const menu = h("div", { className: "user-menu" }, toggle, panel);
  const setOpen = (open: boolean) => {
    panel.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
  };
  toggle.addEventListener("click", () => setOpen(panel.hidden));
  menu.addEventListener("keydown", (event) => {
    if (event.key === "Escape") setOpen(false);
  });
  // Closes when focus leaves the menu (a click elsewhere moves focus too), without a
  // document-wide listener that would outlive the header it belongs to.
  menu.addEventListener("focusout", (event) => {
    if (!(event.relatedTarget instanceof Node && menu.contains(event.relatedTarget))) setOpen(false);
  });
  return menu;
}
