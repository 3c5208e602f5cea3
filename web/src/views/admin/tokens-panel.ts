import type { NewToken, TokenRecord } from "../../api/admin-api.js";
import { button, formActions, toolbar } from "../../ui/actions.js";
import { h } from "../../ui/dom.js";
import {
  type CheckboxGroup,
  checkboxGroup,
  field,
  form as formElement,
  formError,
  textInput,
} from "../../ui/form.js";
import { formatDateTime, localInputToIso } from "../../ui/format.js";
import { type Loadable, loader } from "../../ui/loadable.js";
import { renderTable } from "../../ui/table.js";
import type { AdminContext, AdminTranslate } from "./admin-context.js";
import { type CellOption, type CellPicker, cellOptions, createCellPicker } from "./cell-picker.js";
import { PERMISSIONS } from "./role-catalog.js";
import type { Panel } from "./users-panel.js";

const CAMERA_ID = /^[A-Za-z0-9_-]{1,64}$/;

export type TokenStatus = "active" | "revoked" | "expired";

export function tokenStatus(token: TokenRecord, now: Date): TokenStatus {
  if (token.revokedAt) return "revoked";
  if (token.expiresAt && Date.parse(token.expiresAt) <= now.getTime()) return "expired";
  return "active";
}

/** "cam-1, cam-2 cam-3" → ids, or the first text that is not a camera id. */
export function parseCameraIds(text: string): { ids: string[] | null } | { invalid: string } {
  const parts = text.split(/[\s,，]+/).filter((part) => part !== "");
  const invalid = parts.find((part) => !CAMERA_ID.test(part));
  if (invalid !== undefined) return { invalid };
  return { ids: parts.length === 0 ? null : [...new Set(parts)] };
}

interface TokenForm {
  name: HTMLInputElement;
  cameras: HTMLInputElement;
  expires: HTMLInputElement;
  permissions: CheckboxGroup | null;
  picker: CellPicker;
  error: string | null;
  busy: boolean;
}

/** API tokens: list with last use, create (secret shown once, with a copy button), revoke. */
export function createTokensPanel(ctx: AdminContext): Panel {
  const element = h("section", { className: "admin-panel", attrs: { "data-testid": "tokens-panel" } });
  let data: Loadable<{ tokens: TokenRecord[]; cells: CellOption[] }> = { state: "loading" };
  let form: TokenForm | null = null;
  let secret: { name: string; token: string; copied: "no" | "yes" | "failed" } | null = null;
  let rowError: string | null = null;

  const load = loader(
    async () => {
      const [tokens, cells] = await Promise.all([ctx.api.tokens(), ctx.grid.cells()]);
      return { tokens, cells: cellOptions(cells.features.map((f) => f.properties)) };
    },
    (value) => {
      data = value;
      render();
    },
  );

  // A token can only carry permissions its creator holds: minting more would be an escalation.
  const grantable = () => PERMISSIONS.filter((p) => ctx.can(p));

  const openForm = (cells: CellOption[]) => {
    form = {
      name: textInput("tokenName", { autocomplete: "off" }),
      cameras: textInput("tokenCameras", { autocomplete: "off" }),
      expires: textInput("tokenExpires", { type: "datetime-local" }),
      permissions: null,
      picker: createCellPicker(cells, [], ctx.cellPickerLabels(), ctx.language()),
      error: null,
      busy: false,
    };
    secret = null;
    render();
  };

  function validate(f: TokenForm, t: AdminTranslate): NewToken | string {
    const name = f.name.value.trim();
    if (name === "") return t("admin.tokens.needName");
    const permissions = f.permissions?.values() ?? [];
    if (permissions.length === 0) return t("admin.tokens.needPermission");
    const cellCodes = f.picker.values();
    if (cellCodes.length === 0) return t("admin.users.needCell");
    const cameras = parseCameraIds(f.cameras.value);
    if ("invalid" in cameras) return t("admin.tokens.badCamera", { id: cameras.invalid });
    const expiresAt = localInputToIso(f.expires.value);
    if (f.expires.value !== "" && (expiresAt === null || Date.parse(expiresAt) <= Date.now())) {
      return t("admin.tokens.badExpiry");
    }
    return { name, permissions, cellCodes, cameraIds: cameras.ids, expiresAt };
  }

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const f = form;
    if (!f || f.busy) return;
    const input = validate(f, ctx.t());
    if (typeof input === "string") {
      f.error = input;
      return render();
    }
    f.busy = true;
    f.error = null;
    render();
    try {
      const created = await ctx.api.createToken(input);
      secret = { name: input.name, token: created.token, copied: "no" };
      form = null;
      void load();
    } catch (failure) {
      f.error = ctx.describeError(failure);
      f.busy = false;
      render();
    }
  }

  async function revoke(token: TokenRecord) {
    if (!window.confirm(ctx.t()("admin.tokens.confirmRevoke", { name: token.name }))) return;
    rowError = null;
    try {
      await ctx.api.revokeToken(token.id);
    } catch (failure) {
      rowError = ctx.describeError(failure);
    }
    void load();
  }

  async function copySecret() {
    if (!secret) return;
    try {
      await navigator.clipboard.writeText(secret.token);
      secret.copied = "yes";
    } catch {
      secret.copied = "failed";
    }
    render();
  }

  function renderSecret(t: AdminTranslate) {
    if (!secret) return null;
    const copyLabel =
      secret.copied === "yes"
        ? t("admin.tokens.copied")
        : secret.copied === "failed"
          ? t("admin.tokens.copyFailed")
          : t("admin.tokens.copy");
    return h(
      "div",
      { className: "secret-box", attrs: { role: "alert", "data-testid": "token-secret-box" } },
      h("h3", { text: t("admin.tokens.secretTitle") }),
      h("p", { text: t("admin.tokens.secretOnce") }),
      h("code", { className: "secret", text: secret.token, attrs: { "data-testid": "token-secret" } }),
      formActions(
        button({ text: copyLabel, testId: "token-copy", onClick: () => void copySecret() }),
        button({
          text: t("admin.tokens.done"),
          testId: "token-secret-done",
          onClick: () => {
            secret = null;
            render();
          },
        }),
      ),
    );
  }

  function renderForm(f: TokenForm, t: AdminTranslate) {
    f.permissions = checkboxGroup(
      "permission",
      grantable().map((p) => ({ value: p, label: `${t(`perm.${p}`)} (${p})` })),
      f.permissions?.values() ?? [],
    );
    f.picker.relabel(ctx.cellPickerLabels(), ctx.language());
    return formElement(
      {
        className: "admin-form",
        testId: "token-form",
        novalidate: true,
        onSubmit: (event) => void submit(event),
      },
      h("h3", { text: t("admin.tokens.new") }),
      field(t("admin.tokens.name"), f.name),
      h("fieldset", {}, h("legend", { text: t("admin.tokens.permissions") }), f.permissions.element),
      h("fieldset", {}, h("legend", { text: t("admin.tokens.cells") }), f.picker.element),
      field(t("admin.tokens.cameras"), f.cameras, t("admin.tokens.camerasHint")),
      field(t("admin.tokens.expires"), f.expires),
      formError(f.error),
      formActions(
        button({
          text: f.busy ? t("admin.saving") : t("admin.tokens.create"),
          testId: "token-save",
          submit: true,
          disabled: f.busy,
        }),
        button({
          text: t("admin.cancel"),
          onClick: () => {
            form = null;
            render();
          },
        }),
      ),
    );
  }

  function renderList(tokens: TokenRecord[], t: AdminTranslate) {
    const now = new Date();
    const language = ctx.language();
    return renderTable(
      [
        { header: t("admin.tokens.name"), cell: (k) => k.name },
        { header: t("admin.tokens.permissions"), cell: (k) => k.permissions.join(", ") },
        { header: t("admin.tokens.cells"), cell: (k) => k.cellCodes.join(", ") },
        {
          header: t("admin.tokens.cameras"),
          cell: (k) => (k.cameraIds ? k.cameraIds.join(", ") : t("admin.tokens.allCameras")),
        },
        { header: t("admin.tokens.created"), cell: (k) => formatDateTime(k.createdAt, language) },
        {
          header: t("admin.tokens.expires"),
          cell: (k) => (k.expiresAt ? formatDateTime(k.expiresAt, language) : t("admin.tokens.never")),
        },
        {
          header: t("admin.tokens.lastUsed"),
          cell: (k) => (k.lastUsedAt ? formatDateTime(k.lastUsedAt, language) : t("admin.tokens.neverUsed")),
        },
        { header: t("admin.tokens.status"), cell: (k) => t(`admin.tokens.${tokenStatus(k, now)}`) },
        {
          header: "",
          cell: (k) =>
            tokenStatus(k, now) === "revoked"
              ? ""
              : button({
                  text: t("admin.tokens.revoke"),
                  className: "danger",
                  testId: `token-revoke-${k.id}`,
                  onClick: () => void revoke(k),
                }),
        },
      ],
      tokens,
      {
        empty: t("admin.tokens.empty"),
        testId: "tokens-table",
        rowId: (k) => String(k.id),
        rowClass: (k) => (tokenStatus(k, now) === "active" ? "" : "row-muted"),
      },
    );
  }

  function render() {
    const t = ctx.t();
    element.replaceChildren(
      renderSecret(t) ?? "",
      ctx.renderLoadable(
        data,
        () => void load(),
        ({ tokens, cells }) =>
          h(
            "div",
            {},
            form
              ? renderForm(form, t)
              : toolbar(
                  button({
                    text: t("admin.tokens.new"),
                    testId: "token-new",
                    onClick: () => openForm(cells),
                  }),
                ),
            formError(rowError),
            renderList(tokens, t),
          ),
      ),
    );
  }

  void load();
  return { element, render };
}
