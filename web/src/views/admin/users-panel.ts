import type { UserRecord } from "../../api/admin-api.js";
import { button, toolbar } from "../../ui/actions.js";
import { h } from "../../ui/dom.js";
import { type Loadable, loader } from "../../ui/loadable.js";
import { renderTable } from "../../ui/table.js";
import { roleLabel } from "../../ui/user-menu.js";
import type { AdminContext } from "./admin-context.js";
import { type CellOption, cellOptions } from "./cell-picker.js";
import { createUserForm, type UserForm } from "./user-form.js";

export interface Panel {
  element: HTMLElement;
  render(): void;
}

/** Users: list, create, edit roles / cells / disabled, reset the password. */
export function createUsersPanel(ctx: AdminContext): Panel {
  const element = h("section", { className: "admin-panel", attrs: { "data-testid": "users-panel" } });
  let users: Loadable<{ users: UserRecord[]; cells: CellOption[] }> = { state: "loading" };
  let form: UserForm | null = null;
  let notice: string | null = null;

  const load = loader(
    async () => {
      const [list, cells] = await Promise.all([ctx.api.users(), ctx.grid.cells()]);
      return { users: list, cells: cellOptions(cells.features.map((f) => f.properties)) };
    },
    (value) => {
      users = value;
      render();
    },
  );

  const openForm = (user: UserRecord | null, cells: CellOption[]) => {
    notice = null;
    form = createUserForm(ctx, user, cells, {
      onSaved: (saved, created) => {
        form = null;
        notice = ctx.t()(created ? "admin.users.created" : "admin.users.saved", { username: saved.username });
        void load();
      },
      onCancel: () => {
        form = null;
        render();
      },
    });
    render();
  };

  function render() {
    const t = ctx.t();
    element.replaceChildren(
      ctx.renderLoadable(
        users,
        () => void load(),
        ({ users: list, cells }) => {
          form?.render();
          return h(
            "div",
            {},
            toolbar(
              button({
                text: t("admin.users.new"),
                testId: "user-new",
                onClick: () => openForm(null, cells),
              }),
              notice
                ? h("span", { className: "notice-inline", text: notice, attrs: { role: "status" } })
                : null,
            ),
            form?.element ?? null,
            renderTable(
              [
                { header: t("admin.users.username"), cell: (u) => u.username },
                { header: t("admin.users.displayName"), cell: (u) => u.displayName },
                {
                  header: t("admin.users.roles"),
                  cell: (u) => u.roles.map((r) => roleLabel(r, t)).join("、"),
                },
                { header: t("admin.users.cells"), cell: (u) => u.cellCodes.join(", ") },
                {
                  header: t("admin.users.status"),
                  cell: (u) => (u.disabled ? t("admin.users.disabled") : t("admin.users.active")),
                },
                {
                  header: "",
                  cell: (u) =>
                    button({
                      text: t("admin.edit"),
                      testId: `user-edit-${u.username}`,
                      onClick: () => openForm(u, cells),
                    }),
                },
              ],
              list,
              {
                empty: t("admin.users.empty"),
                testId: "users-table",
                rowId: (u) => u.username,
                rowClass: (u) => (u.disabled ? "row-muted" : ""),
              },
            ),
          );
        },
      ),
    );
  }

  void load();
  return { element, render };
}
