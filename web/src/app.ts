import { isApiError } from "./api/errors.js";
import { GridOpsApi } from "./api/gridops-api.js";
import type { AppConfig, Session } from "./api/schemas.js";
import { resolveLanguage } from "./i18n/i18n.js";
import { LANGUAGE_STORAGE_KEY, LanguageStore } from "./i18n/language-store.js";
import { RealtimeStore } from "./realtime/realtime-store.js";
import { connectionIndicator } from "./ui/connection-indicator.js";
import { h } from "./ui/dom.js";
import { errorMessage } from "./ui/error-message.js";
import { renderHeader } from "./ui/header.js";
import { StatusOverlay } from "./ui/status-overlay.js";
import { createLoginView } from "./views/login-view.js";
import { formatHash, parseHash, permittedRoutes, resolveRoute } from "./views/router.js";
import { ROUTES, type RouteDefinition, type View, type ViewContext } from "./views/routes.js";

const FALLBACK_CONFIG: AppConfig = { baseMapStyleUrl: null, defaultLanguage: "zh-CN" };

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

/** A view with only a message in it: no permitted views, unknown page, start-up failure. */
function messageView(text: () => string): View {
  const element = h("main", { className: "message-view" }, h("p", { text: text() }));
  return {
    element,
    render() {
      element.replaceChildren(h("p", { text: text() }));
    },
  };
}

/** Boots the single-page app into `root`: config, language, session, then login or the routed view. */
export async function startApp(root: HTMLElement): Promise<void> {
  const api = new GridOpsApi();
  // The session is asked for at once, beside the config, instead of one round trip after it.
  let pendingSession: Promise<Session> | null = api.me();
  pendingSession.catch(() => {});
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
  let realtime: RealtimeStore | null = null;
  let view: View | null = null;
  let activeRoute: RouteDefinition | null = null;

  const renderChrome = () => {
    const t = languages.t;
    document.documentElement.lang = languages.language;
    document.title = activeRoute ? `${t(activeRoute.titleKey)} · ${t("app.name")}` : t("app.title");
    const nav = session
      ? permittedRoutes(ROUTES, session).map((route) => ({
          href: formatHash(route.path),
          titleKey: route.titleKey,
          active: route === activeRoute,
        }))
      : [];
    headerSlot.replaceChildren(
      renderHeader({
        language: languages.language,
        t,
        session,
        nav,
        connection: realtime ? connectionIndicator(realtime.status, t) : null,
        onLanguage: (language) => languages.set(language),
        onLogout: () => void logout(),
      }),
    );
  };

  const show = (next: View, route: RouteDefinition | null = null) => {
    view?.destroy?.();
    view = next;
    activeRoute = route;
    viewSlot.replaceChildren(next.element);
    renderChrome();
  };

  const stopRealtime = () => {
    realtime?.stop();
    realtime = null;
  };

  const showLogin = () => {
    session = null;
    stopRealtime();
    show(createLoginView({ api, onSignedIn }, languages.t));
  };

  function onSignedIn(signedIn: Session) {
    session = signedIn;
    stopRealtime();
    realtime = new RealtimeStore();
    const store = realtime;
    store.onStatus((status) => {
      renderChrome();
      // A refused handshake usually means the session ended: ask the API, which answers 401 then.
      if (status === "refused" && store.refusal === "unauthenticated") {
        api.me().catch((error: unknown) => {
          if (isApiError(error) && error.status === 401 && realtime === store) showLogin();
        });
      }
    });
    realtime.start();
    routeTo(window.location.hash);
  }

  /** Shows the view for a hash; unknown or forbidden paths get a message or the user's default view. */
  function routeTo(hash: string) {
    if (!session || !realtime) return;
    const { path, params } = parseHash(hash);
    const resolution = resolveRoute(ROUTES, session, path);
    if (resolution.kind === "redirect") {
      // replaceState, not location.hash: the bare or forbidden URL should not stay in history.
      window.history.replaceState(null, "", formatHash(resolution.route.path));
      return routeTo(formatHash(resolution.route.path));
    }
    if (resolution.kind === "not_found") {
      return show(messageView(() => languages.t("nav.notFound", { path: resolution.path })));
    }
    if (resolution.kind !== "view") return show(messageView(() => languages.t("nav.noViews")));
    const ctx: ViewContext = {
      api,
      config,
      session,
      languages,
      realtime,
      params,
      navigate: (to, query) => {
        window.location.hash = formatHash(to, query);
      },
      onUnauthenticated: showLogin,
    };
    show(resolution.route.create(ctx), resolution.route);
  }

  window.addEventListener("hashchange", () => {
    const { path } = parseHash(window.location.hash);
    // Only the query changed (a view recording its selection): the view keeps itself in sync.
    if (activeRoute && path === activeRoute.path) return;
    routeTo(window.location.hash);
  });

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
    const render = () => {
      const t = languages.t;
      if (failure === null) return overlay.showLoading(t("map.loading"));
      overlay.showError(
        t("app.startFailed"),
        errorMessage(failure, t),
        t("map.retry"),
        () => void checkSession(),
      );
    };
    show({ element: h("main", { className: "boot-view" }, overlay.element), render });
    render();
    try {
      const session = pendingSession ?? api.me();
      pendingSession = null;
      onSignedIn(await session);
    } catch (error) {
      if (isApiError(error) && error.status === 401) return showLogin();
      failure = error;
      render();
    }
  };

  languages.subscribe(() => {
    renderChrome();
    view?.render?.(languages.t);
  });
  await checkSession();
}
