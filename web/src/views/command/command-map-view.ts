import offlineStyleDocument from "virtual:gridops/offline-style";
import "../../incidents/incidents.css";
import "./command.css";
import {
  type ErrorEvent,
  Map as MapLibreMap,
  NavigationControl,
  type RequestParameters,
  type ResourceType,
  ScaleControl,
  type StyleSpecification,
} from "maplibre-gl";
import { isApiError } from "../../api/errors.js";
import type { AppConfig } from "../../api/schemas.js";
import type { Translate } from "../../i18n/i18n.js";
import type { LayerGroup } from "../../layers/ids.js";
import { uiCapabilities } from "../../session/permissions.js";
import { type DistrictCounts, districtCounts } from "../../sources/district-sources.js";
import {
  DATA_KINDS,
  type DataKind,
  districtBounds,
  type LoadedDistrict,
  loadDistrict,
  tiledKinds,
} from "../../sources/load-district.js";
import { type StaticMode, staticModeOverride } from "../../sources/static-mode.js";
import {
  asStyleDocument,
  backgroundOnlyStyle,
  prepareOfflineStyle,
  withFontFaces,
} from "../../style/base-style.js";
import { loadBaseStyle } from "../../style/load-base-style.js";
import { bundledFontFaces } from "../../style/noto-sans-sc.js";
import { backgroundToCss, withDistrictOverlay } from "../../style/overlay-style.js";
import { h } from "../../ui/dom.js";
import { errorMessage } from "../../ui/error-message.js";
import { renderLayerPanel } from "../../ui/layer-panel.js";
import { StatusOverlay } from "../../ui/status-overlay.js";
import type { ViewContext } from "../routes.js";
import {
  fetchIncidentSnapshot,
  type IncidentSnapshot,
  type LiveCommand,
  startLiveCommand,
} from "./command-live.js";
import { DerivedSources } from "./derived-sources.js";
import { INCIDENT_LAYER } from "./incident-layers.js";
import { setGroupVisible, setOverlayLanguage } from "./map-overlay.js";
import { attachPopups, type PopupDetails } from "./map-popups.js";
import { openingZoom } from "./opening-zoom.js";
import { exposeTestHooks, type GridOpsTestHooks, markFirstRender } from "./test-hooks.js";

export type CommandMapDeps = ViewContext;

export interface CommandMapView {
  element: HTMLElement;
  destroy(): void;
}

const GROUP_BY_KIND = { cells: "cells", checkpoints: "checkpoints", cameras: "cameras" } as const;
const ALL_GROUPS: readonly LayerGroup[] = ["cells", "checkpoints", "cameras", "viewCones"];

export function mapLocale(t: Translate): Record<string, string> {
  return {
    "NavigationControl.ZoomIn": t("maplibre.zoomIn"),
    "NavigationControl.ZoomOut": t("maplibre.zoomOut"),
    "NavigationControl.ResetBearing": t("maplibre.resetBearing"),
    "Popup.Close": t("maplibre.popupClose"),
  };
}

function offlineStyle(appBaseUrl: string): StyleSpecification {
  const document = asStyleDocument(offlineStyleDocument);
  return document ? prepareOfflineStyle(document, appBaseUrl) : backgroundOnlyStyle();
}

export async function baseStyleFor(
  config: AppConfig,
  appBaseUrl: string,
): Promise<{ style: StyleSpecification; fellBack: boolean }> {
  if (!config.baseMapStyleUrl) return { style: offlineStyle(appBaseUrl), fellBack: false };
  try {
    return { style: await loadBaseStyle(config.baseMapStyleUrl), fellBack: false };
  } catch (error) {
    console.warn(error);
    return { style: offlineStyle(appBaseUrl), fellBack: true };
  }
}

/**
 * Tile requests go to the page's own origin with its session cookie (MapLibre's worker fetches
 * them, and same-origin credentials are what the API's session needs; the tiles are filtered to
 * the user's cells on the server).
 */
function withSessionCookie(url: string, type?: ResourceType): RequestParameters {
  const sameOrigin = new URL(url, window.location.href).origin === window.location.origin;
  return type === "Tile" && sameOrigin ? { url, credentials: "same-origin" } : { url };
}

/** The next `idle` (a frame drawn with every tile in view loaded), forcing a frame if the map is already still. */
function nextIdle(map: MapLibreMap): Promise<void> {
  return new Promise((resolve) => {
    map.once("idle", () => resolve());
    map.triggerRepaint();
  });
}

const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

/** Marks the steps of the first render on the page's timeline (the benchmark reports them). */
const mark = (step: string) => performance.mark(`gridops:${step}`);

/** Longest the map stays under the loading overlay waiting for its first complete frame (a slow tile must not hide it for good). */
const REVEAL_AFTER_MS = 8000;

/**
 * Holds the map's painting until released. MapLibre's frame loop still runs every frame (it is
 * what requests tiles, hands data to the worker, places labels and fires `idle`), but it would
 * also paint a frame per source and tile batch that arrives, and without a GPU each costs the
 * main thread 100–450 ms of SwiftShader work it must wait for, while the data behind it waits too.
 * Held, the first frame painted is the complete one. `painter` is MapLibre's renderer (a public,
 * undocumented field of Map): if a version lacks it, nothing is held and the map paints as it loads.
 */
function holdPainting(map: MapLibreMap): () => void {
  const painter = (map as { painter?: { render?: (...args: never[]) => void } }).painter;
  const render = painter?.render;
  if (!painter || typeof render !== "function") return () => {};
  painter.render = () => {};
  return () => {
    painter.render = render;
    map.triggerRepaint();
  };
}

/** Below this pitch the horizon is outside the view (MapLibre's default maxPitch is 60). */
const SKY_VISIBLE_FROM_PITCH = 60;

/**
 * MapLibre paints its sky first in every frame, a quad over the whole view, though at this map's
 * pitch the sky lies above the top edge and every layer covers it. Without a GPU that is a shader
 * program compiled for the first frame (~60 ms) and a full-screen pass in each (decision 0127),
 * so it is skipped until the map is pitched far enough for a horizon. `painter.drawFunctions` is
 * public but undocumented; without it nothing changes.
 */
function skipSkyWhileFlat(map: MapLibreMap): void {
  type Draw = (...args: never[]) => void;
  const functions = (map as { painter?: { drawFunctions?: { sky?: Draw } } }).painter?.drawFunctions;
  const drawSky = functions?.sky;
  if (!functions || typeof drawSky !== "function") return;
  functions.sky = (...args) => {
    if (map.getPitch() >= SKY_VISIBLE_FROM_PITCH) drawSky(...args);
  };
}

/** The camera popup's vendor and model, which camera tiles do not carry, from the camera's record. */
function cameraDetails(deps: CommandMapDeps): PopupDetails {
  return async (kind, properties) => {
    if (kind !== "camera" || properties.vendor !== undefined || typeof properties.id !== "string")
      return null;
    try {
      return { ...(await deps.api.camera(properties.id)) };
    } catch (error) {
      console.warn(error);
      return null;
    }
  };
}

/**
 * The command centre's district map: cells, checkpoints, cameras and view cones with popups, and
 * the live incidents. What the first draw needs starts at once and in parallel: the static layers
 * (counts, then GeoJSON or tile bounds), the incident snapshot and the base style. The map is made
 * when the static layers are known, from one style holding all of them and already fitted to the
 * district: every frame drawn before that would be a base map drawn for nothing, and without a
 * GPU each frame costs a few hundred milliseconds of the main thread the data is waiting for.
 */
export function createCommandMapView(deps: CommandMapDeps): CommandMapView {
  const { languages } = deps;
  const status = new StatusOverlay();
  const mapElement = h("div", { className: "map", attrs: { "data-testid": "map" } });
  const panelSlot = h("div", { className: "panel-slot" });
  const notice = h("div", { className: "notice", attrs: { hidden: "", role: "status" } });
  const incidentPanel = deps.session.permissions.includes("incidents:read");
  const element = h(
    "main",
    { className: `command-map-view map-pending${incidentPanel ? " with-incident-panel" : ""}` },
    mapElement,
    panelSlot,
    notice,
    status.element,
  );

  let map: MapLibreMap | null = null;
  let hooks: GridOpsTestHooks | null = null;
  let loaded: LoadedDistrict | null = null;
  let counts: DistrictCounts | null = null;
  let lastError: unknown = null;
  let live: LiveCommand | null = null;
  let derived: DerivedSources | null = null;
  let destroyed = false;
  /** The map's first complete frame is on screen (until then it is not painted, see reveal()). */
  let drawn = false;
  let releasePainting: () => void = () => {};
  const visible = new Set<LayerGroup>(ALL_GROUPS);
  const override = staticModeOverride(deps.params);
  const appBaseUrl = new URL(import.meta.env.BASE_URL, window.location.href).href;

  const startDistrictLoad = () => {
    const pending = loadDistrict(deps.api, uiCapabilities(deps.session), {
      override,
      origin: window.location.origin,
    });
    // Awaited in loadData, which reports a failure; this only keeps it from being "unhandled" meanwhile.
    pending.catch(() => {});
    return pending;
  };
  const startIncidentLoad = (): Promise<IncidentSnapshot> | null => {
    if (!incidentPanel) return null;
    const pending = fetchIncidentSnapshot(deps);
    pending.catch(() => {});
    return pending;
  };
  let districtLoad: Promise<LoadedDistrict> | null = startDistrictLoad();
  const incidentLoad = startIncidentLoad();
  const baseStyle = baseStyleFor(deps.config, appBaseUrl);

  const availableGroups = () =>
    ALL_GROUPS.filter((group) => {
      const kind = group === "viewCones" ? "cameras" : group;
      return !loaded?.forbidden.includes(kind);
    });

  const renderPanel = () => {
    const t = languages.t;
    if (!loaded || !counts) return panelSlot.replaceChildren();
    const tiled = tiledKinds(loaded.layers).size > 0;
    panelSlot.replaceChildren(
      renderLayerPanel({
        t,
        groups: availableGroups(),
        visible,
        summary: t("map.summary", { ...counts }),
        note: tiled ? t("map.tiled") : null,
        onToggle: (group, on) => {
          if (on) visible.add(group);
          else visible.delete(group);
          if (map) setGroupVisible(map, group, on);
        },
      }),
    );
  };

  const renderStatus = () => {
    const t = languages.t;
    if (lastError !== null) {
      status.showError(
        t("map.loadFailed"),
        errorMessage(lastError, t),
        t("map.retry"),
        () => void loadData(),
      );
    } else if (!loaded || !drawn) {
      status.showLoading(t("map.loading"));
    } else {
      status.hide();
    }
  };

  // The left padding keeps the district clear of the layer panel (the incident panel is beside the map).
  const fitPadding = () => ({ top: 30, bottom: 30, left: 250, right: 40 });

  async function loadData(): Promise<void> {
    lastError = null;
    loaded = null;
    renderStatus();
    try {
      const pending = districtLoad ?? startDistrictLoad();
      districtLoad = null;
      const [district, base] = await Promise.all([pending, baseStyle]);
      if (destroyed) return;
      mark("district-loaded");
      if (base.fellBack) showNotice(languages.t("map.baseMapFailed"));
      loaded = district;
      counts = districtCounts(district);
      createMap(base.style, district);
    } catch (error) {
      if (isApiError(error) && error.status === 401) return deps.onUnauthenticated();
      lastError = error;
      console.error(error);
    }
    renderStatus();
    renderPanel();
  }

  const showNotice = (text: string) => {
    notice.textContent = text;
    notice.hidden = false;
    setTimeout(() => {
      notice.hidden = true;
    }, 8000);
  };

  function createMap(base: StyleSpecification, district: LoadedDistrict): void {
    const bounds = districtBounds(district.layers);
    const { style, color } = backgroundToCss(
      withFontFaces(withDistrictOverlay(base, district, languages.language), bundledFontFaces(appBaseUrl)),
    );
    mapElement.style.backgroundColor = color ?? "";
    const created = new MapLibreMap({
      container: mapElement,
      style,
      ...(bounds
        ? { bounds, fitBoundsOptions: { padding: fitPadding() } }
        : { center: [116.397, 39.909], zoom: 3 }),
      locale: mapLocale(languages.t),
      attributionControl: { compact: true },
      transformRequest: withSessionCookie,
      // Labels appear at once instead of fading in: a fade is several more frames to draw,
      // which in software rendering (no GPU) cost a third of a second each.
      fadeDuration: 0,
    });
    map = created;
    // Only GeoJSON is cut into tiles in the worker; the server's vector tiles differ by zoom.
    if (bounds && tiledKinds(district.layers).size === 0)
      created.jumpTo({ zoom: openingZoom(created.getZoom()) });
    releasePainting = holdPainting(created);
    skipSkyWhileFlat(created);
    mark("map-created");
    created.on("error", (event: ErrorEvent) => {
      // A tile answered 401: the session ended while the map was open.
      const failed = event.error as { status?: unknown } | undefined;
      if (failed?.status === 401) deps.onUnauthenticated();
    });
    addNavigation(created);
    created.addControl(new ScaleControl({ unit: "metric" }), "bottom-left");
    const testHooks = exposeTestHooks(created);
    hooks = testHooks;
    testHooks.counts = districtCounts(district);
    testHooks.staticModes = Object.fromEntries(
      DATA_KINDS.map((kind) => [kind, district.layers[kind].mode]),
    ) as Record<DataKind, StaticMode>;
    popups = attachPopups(
      created,
      () => ({ t: languages.t, language: languages.language }),
      [INCIDENT_LAYER.points, INCIDENT_LAYER.clusters],
      cameraDetails(deps),
    );
    created.once("style.load", () => void onStyleLoaded(created, district, testHooks));
  }

  /** Once the style is parsed (before its first frame): hidden layers, the live half. */
  async function onStyleLoaded(m: MapLibreMap, district: LoadedDistrict, testHooks: GridOpsTestHooks) {
    if (destroyed) return;
    for (const kind of district.forbidden) setGroupVisible(m, GROUP_BY_KIND[kind], false);
    if (district.forbidden.includes("cameras")) setGroupVisible(m, "viewCones", false);
    derived = new DerivedSources(m, district);
    live = startLiveCommand(m, deps, {
      first: incidentLoad,
      onCameraStatus: () => derived?.cameraStatusChanged(),
    });
    element.append(...live.elements);
    testHooks.live = live.hooks;
    // "Drawn": every static source and the incident snapshot on the map, and a frame drawn
    // with all tiles in view loaded, on screen (see bench/web-map.bench.ts for what is measured).
    const giveUp = setTimeout(reveal, REVEAL_AFTER_MS);
    await live.loaded;
    mark("incidents-on-map");
    await nextIdle(m);
    // Labels (tiled cells) and cones made from the tiles just loaded may be one pass behind.
    await derived.settled();
    await nextIdle(m);
    // Complete (every tile loaded, labels placed), not yet painted, under the overlay.
    mark("drawn-hidden");
    clearTimeout(giveUp);
    reveal();
    await nextIdle(m);
    await nextFrame();
    if (destroyed) return;
    mark("first-render");
    markFirstRender(testHooks);
  }

  /**
   * Paints the map and lifts the loading overlay. Until its first complete frame the map loads
   * without painting (holdPainting) under an opaque loading overlay: MapLibre would otherwise
   * paint a frame each time a source's tiles arrive, and without a GPU each costs a few hundred
   * milliseconds the main thread waits for, for half-loaded frames nobody needs to see. (Drawing
   * them at a sixteenth of the resolution, the previous way, still cost 100–250 ms each; hiding
   * the map instead does not help: the browser defers the hidden frames' drawing and does all
   * of it when it is shown.)
   */
  function reveal(): void {
    if (drawn || destroyed || !map) return;
    drawn = true;
    releasePainting();
    element.classList.remove("map-pending");
    renderStatus();
  }

  let navigation: NavigationControl | null = null;
  const addNavigation = (m: MapLibreMap) => {
    navigation = new NavigationControl({ visualizePitch: false });
    m.addControl(navigation, "top-right");
  };

  const unsubscribe = languages.subscribe((language) => {
    if (map) {
      setOverlayLanguage(map, language);
      // MapLibre reads control labels from the map's locale table when a control is created
      // (the table is a public field of Map), so swap the table and rebuild the one control.
      map._locale = { ...map._locale, ...mapLocale(languages.t) };
      if (navigation) map.removeControl(navigation);
      addNavigation(map);
    }
    popups?.relabel();
    live?.relabel();
    renderPanel();
    renderStatus();
  });
  let popups: ReturnType<typeof attachPopups> | null = null;

  void loadData();

  return {
    element,
    destroy() {
      destroyed = true;
      unsubscribe();
      live?.destroy();
      derived?.destroy();
      map?.remove();
      map = null;
      if (window.__gridops && window.__gridops === hooks) delete window.__gridops;
    },
  };
}
