import { isApiError } from "./api/errors.js";
import { GridOpsApi } from "./api/gridops-api.js";
import type { AppConfig, Session } from "./api/schemas.js";
import { resolveLanguage } from "./i18n/i18n.js";
import { LANGUAGE_STORAGE_KEY, LanguageStore } from "./i18n/language-store.js";
import { h } from "./ui/dom.js";
import { errorMessage } from "./ui/error-message.js";
import { renderHeader } from "./ui/header.js";
import { StatusOverlay } from "./ui/status-overlay.js";
import { createCommandMapView } from "./views/command/command-map-view.js";
import { createLoginView } from "./views/login-view.js";

const FALLBACK_CONFIG: AppConfig = { baseMapStyleUrl: null, defaultLanguage: "zh-CN" };

interface View {
  element: HTMLElement;
  destroy?(): void;
  render?(t: LanguageStore["t"]): void;
}

function storedLanguage(): string | null {
  try {
    return window.localStorage.getItem(LANGUAGE_STORAGE_KEY);
  } catch {
    return null;
  }
}

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** Boots the single-page app into `root`: config, language, session, then login or the map. */
export async function startApp(root: HTMLElement): Promise<void> {
  const api = new GridOpsApi();
  // The config only tunes defaults; the app still works on an offline map if it cannot be read.
  const config = await api.getConfig().catch((error: unknown) => {
    console.warn("Using default config:", error);
    return FALLBACK_CONFIG;
  });
  const languages = new LanguageStore(
    resolveLanguage(storedLanguage(), navigator.languages ?? [navigator.language], config.defaultLanguage),
    safeStorage(),
  );

  const headerSlot = h("div", { className: "header-slot" });
  const viewSlot = h("div", { className: "view-slot" });
  root.replaceChildren(headerSlot, viewSlot);

  let session: Session | null = null;
  let view: View | null = null;

  const renderChrome = () => {
    document.documentElement.lang = languages.language;
    document.title = languages.t("app.title");
    headerSlot.replaceChildren(
      renderHeader({
        language: languages.language,
        t: languages.t,
        session,
        onLanguage: (language) => languages.set(language),
        onLogout: () => void logout(),
      }),
    );
  };

  const show = (next: View) => {
    view?.destroy?.();
    view = next;
    viewSlot.replaceChildren(next.element);
    renderChrome();
  };

  const showLogin = () => {
    session = null;
    show(createLoginView({ api, onSignedIn: showMap }, languages.t));
  };

  function showMap(signedIn: Session) {
    session = signedIn;
    show(createCommandMapView({ api, config, session: signedIn, languages, onUnauthenticated: showLogin }));
  }

  async function logout() {
    try {
      await api.logout();
    } catch (error) {
      // The server may already have dropped the session; either way the user is signed out here.
      console.warn("Logout failed:", error);
    }
    showLogin();
  }

  const checkSession = async () => {
    const overlay = new StatusOverlay();
    let failure: unknown = null;
    const render = (t: LanguageStore["t"]) => {
      if (failure === null) return overlay.showLoading(t("map.loading"));
      overlay.showError(
        t("app.startFailed"),
        errorMessage(failure, t),
        t("map.retry"),
        () => void checkSession(),
      );
    };
    show({ element: h("main", { className: "boot-view" }, overlay.element), render });
    render(languages.t);
    try {
      showMap(await api.me());
    } catch (error) {
      if (isApiError(error) && error.status === 401) return showLogin();
      failure = error;
      render(languages.t);
    }
  };

  languages.subscribe(() => {
    renderChrome();
    view?.render?.(languages.t);
  });
  await checkSession();
}
