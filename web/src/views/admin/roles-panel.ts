import { ROLES } from "../../api/admin-api.js";
import { h } from "../../ui/dom.js";
import { roleLabel } from "../../ui/user-menu.js";
import type { AdminContext } from "./admin-context.js";
import { PERMISSIONS, PLATE_DATA_PERMISSIONS, ROLE_PERMISSIONS } from "./role-catalog.js";
import type { Panel } from "./users-panel.js";

/** Roles × permissions: a read-only matrix (roles are defined in code, not edited here). */
export function createRolesPanel(ctx: AdminContext): Panel {
  const element = h("section", { className: "admin-panel", attrs: { "data-testid": "roles-panel" } });
  const render = () => {
    const t = ctx.t();
    const head = h(
      "tr",
      {},
      h("th", { text: t("admin.roles.permission"), attrs: { scope: "col" } }),
      ...ROLES.map((role) =>
        h("th", { text: roleLabel(role, t), attrs: { scope: "col", "data-role": role } }),
      ),
    );
    const rows = PERMISSIONS.map((permission) =>
      h(
        "tr",
        { className: PLATE_DATA_PERMISSIONS.has(permission) ? "row-sensitive" : "" },
        h(
          "th",
          { attrs: { scope: "row", "data-permission": permission } },
          h("span", { text: t(`perm.${permission}`) }),
          h("code", { className: "permission-code", text: permission }),
        ),
        ...ROLES.map((role) => {
          const granted = ROLE_PERMISSIONS[role].includes(permission);
          return h("td", {
            className: granted ? "granted" : "",
            text: granted ? "✓" : "",
            attrs: { "aria-label": granted ? t("admin.yes") : t("admin.no") },
          });
        }),
      ),
    );
    element.replaceChildren(
      h("p", { className: "panel-intro", text: t("admin.roles.intro") }),
      h(
        "div",
        { className: "table-scroll" },
        h(
          "table",
          { className: "data-table matrix", attrs: { "data-testid": "roles-matrix" } },
          h("thead", {}, head),
          h("tbody", {}, ...rows),
        ),
      ),
    );
  };
  render();
  return { element, render };
}
