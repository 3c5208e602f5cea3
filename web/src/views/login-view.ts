import type { GridOpsApi } from "../api/gridops-api.js";
import type { Session } from "../api/schemas.js";
import type { Translate } from "../i18n/i18n.js";
import { h } from "../ui/dom.js";
import { errorMessage } from "../ui/error-message.js";

export interface LoginViewDeps {
  api: Pick<GridOpsApi, "login">;
  onSignedIn: (session: Session) => void;
}

export interface LoginView {
  element: HTMLElement;
  /** Re-labels the form in another language without losing what the user typed. */
  render(t: Translate): void;
}

export function createLoginView(deps: LoginViewDeps, initialT: Translate): LoginView {
  let t = initialT;
  let lastError: unknown = null;
  let missingFields = false;
  let busy = false;
  const username = h("input", {
    attrs: { name: "username", autocomplete: "username", required: "", "data-testid": "login-username" },
  });
  const password = h("input", {
    attrs: {
      name: "password",
      type: "password",
      autocomplete: "current-password",
      required: "",
      "data-testid": "login-password",
    },
  });
  const element = h("main", { className: "login-view" });

  const render = (nextT: Translate) => {
    t = nextT;
    const message = missingFields
      ? t("login.required")
      : lastError === null
        ? null
        : errorMessage(lastError, t);
    const form = h(
      "form",
      { className: "login-card", attrs: { novalidate: "", "data-testid": "login-form" }, on: { submit } },
      h("h1", { text: t("login.title") }),
      h("p", { className: "login-subtitle", text: t("login.subtitle") }),
      h("label", {}, h("span", { text: t("login.username") }), username),
      h("label", {}, h("span", { text: t("login.password") }), password),
      message
        ? h("div", {
            className: "form-error",
            text: message,
            attrs: { role: "alert", "data-testid": "login-error" },
          })
        : null,
      h("button", {
        text: busy ? t("login.submitting") : t("login.submit"),
        attrs: { type: "submit", ...(busy ? { disabled: "" } : {}) },
      }),
    );
    element.replaceChildren(form);
  };

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (busy) return;
    missingFields = username.value.trim() === "" || password.value === "";
    lastError = null;
    if (missingFields) return render(t);
    busy = true;
    render(t);
    try {
      const session = await deps.api.login({ username: username.value.trim(), password: password.value });
      password.value = "";
      deps.onSignedIn(session);
    } catch (error) {
      lastError = error;
      password.value = "";
    } finally {
      busy = false;
      if (element.isConnected) render(t);
    }
  }

  render(t);
  return { element, render };
}
