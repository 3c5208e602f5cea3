import { ROLES, type UserChange, type UserRecord } from "../../api/admin-api.js";
import { button, formActions } from "../../ui/actions.js";
import { h } from "../../ui/dom.js";
import {
  type CheckboxGroup,
  checkboxGroup,
  checkboxLabel,
  field,
  form,
  formError,
  textInput,
} from "../../ui/form.js";
import { roleLabel } from "../../ui/user-menu.js";
import type { AdminContext } from "./admin-context.js";
import { type CellOption, createCellPicker } from "./cell-picker.js";

const USERNAME = /^[a-z0-9_.-]{2,64}$/;

export interface UserForm {
  element: HTMLElement;
  render(): void;
}

export interface UserFormEvents {
  onSaved(user: UserRecord, created: boolean): void;
  onCancel(): void;
}

/** What the edit form changes, so an untouched field is not sent (and not audited as a change). */
export function userChange(
  before: UserRecord,
  after: { displayName: string; disabled: boolean; password: string; roles: string[]; cellCodes: string[] },
): UserChange {
  const change: UserChange = {};
  const same = (a: readonly string[], b: readonly string[]) =>
    a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);
  if (after.displayName !== before.displayName) change.displayName = after.displayName;
  if (after.disabled !== before.disabled) change.disabled = after.disabled;
  if (after.password !== "") change.password = after.password;
  if (!same(after.roles, before.roles)) change.roles = after.roles;
  if (!same(after.cellCodes, before.cellCodes)) change.cellCodes = after.cellCodes;
  return change;
}

/** Create (user = null) or edit one user; inputs survive a language switch. */
export function createUserForm(
  ctx: AdminContext,
  user: UserRecord | null,
  cells: readonly CellOption[],
  events: UserFormEvents,
): UserForm {
  const username = textInput("username", { autocomplete: "off", value: user?.username ?? "" });
  if (user) username.disabled = true;
  const displayName = textInput("displayName", { value: user?.displayName ?? "" });
  const password = textInput("password", { type: "password", autocomplete: "new-password" });
  const disabled = h("input", { attrs: { type: "checkbox", "data-testid": "input-disabled" } });
  disabled.checked = user?.disabled ?? false;
  const picker = createCellPicker(cells, user?.cellCodes ?? [], ctx.cellPickerLabels(), ctx.language());
  let roles: CheckboxGroup | null = null;
  let error: string | null = null;
  let busy = false;
  const element = form({
    className: "admin-form",
    testId: "user-form",
    novalidate: true,
    onSubmit: (event) => void submit(event),
  });

  function render() {
    const t = ctx.t();
    roles = checkboxGroup(
      "role",
      ROLES.map((role) => ({ value: role, label: roleLabel(role, t) })),
      roles?.values() ?? user?.roles ?? [],
    );
    picker.relabel(ctx.cellPickerLabels(), ctx.language());
    element.replaceChildren(
      h("h3", {
        text: user ? t("admin.users.editTitle", { username: user.username }) : t("admin.users.createTitle"),
      }),
      field(t("admin.users.username"), username),
      field(t("admin.users.displayName"), displayName),
      field(
        user ? t("admin.users.newPassword") : t("admin.users.password"),
        password,
        user ? t("admin.users.passwordHint") : undefined,
      ),
      user ? checkboxLabel(disabled, t("admin.users.disabled")) : "",
      h("fieldset", {}, h("legend", { text: t("admin.users.roles") }), roles.element),
      h("fieldset", {}, h("legend", { text: t("admin.users.cells") }), picker.element),
      formError(error),
      formActions(
        button({
          text: busy ? t("admin.saving") : t("admin.save"),
          testId: "user-save",
          submit: true,
          disabled: busy,
        }),
        button({ text: t("admin.cancel"), onClick: () => events.onCancel() }),
      ),
    );
  }

  function validate(roleValues: string[], cellCodes: string[]): string | null {
    const t = ctx.t();
    if (!user && (username.value.trim() === "" || displayName.value.trim() === "" || password.value === "")) {
      return t("admin.users.needFields");
    }
    if (!user && !USERNAME.test(username.value.trim())) return t("admin.users.badUsername");
    if (roleValues.length === 0) return t("admin.users.needRole");
    if (cellCodes.length === 0) return t("admin.users.needCell");
    return null;
  }

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (busy || !roles) return;
    const roleValues = roles.values();
    const cellCodes = picker.values();
    error = validate(roleValues, cellCodes);
    if (error) return render();
    busy = true;
    render();
    try {
      const values = {
        displayName: displayName.value.trim(),
        disabled: disabled.checked,
        password: password.value,
        roles: roleValues,
        cellCodes,
      };
      const { disabled: _disabled, ...created } = values;
      const saved = user
        ? await ctx.api.updateUser(user.id, userChange(user, values))
        : await ctx.api.createUser({ ...created, username: username.value.trim() });
      password.value = "";
      events.onSaved(saved, user === null);
    } catch (failure) {
      error = ctx.describeError(failure);
    } finally {
      busy = false;
      render();
    }
  }

  render();
  return { element, render };
}
