import offlineStyleDocument from "virtual:gridops/offline-style";
import "../../incidents/incidents.css";
import "./command.css";
import {
  type GeoJSONSource,
  Map as MapLibreMap,
  NavigationControl,
  ScaleControl,
  type StyleSpecification,
} from "maplibre-gl";
import { isApiError } from "../../api/errors.js";
import type { AppConfig } from "../../api/schemas.js";
import { boundsOf } from "../../geo/bounds.js";
import type { Translate } from "../../i18n/i18n.js";
import type { LayerGroup } from "../../layers/ids.js";
import { uiCapabilities } from "../../session/permissions.js";
import { type DistrictCounts, districtCounts } from "../../sources/district-sources.js";
import { type LoadedDistrict, loadDistrict } from "../../sources/load-district.js";
import {
  asStyleDocument,
  BASE_CELLS_SOURCE,
  backgroundOnlyStyle,
  prepareOfflineStyle,
  withFontFaces,
} from "../../style/base-style.js";
import { loadBaseStyle } from "../../style/load-base-style.js";
import { bundledFontFaces } from "../../style/noto-sans-sc.js";
import { h } from "../../ui/dom.js";
import { errorMessage } from "../../ui/error-message.js";
import { renderLayerPanel } from "../../ui/layer-panel.js";
import { StatusOverlay } from "../../ui/status-overlay.js";
import type { ViewContext } from "../routes.js";
import { type LiveCommand, startLiveCommand } from "./command-live.js";
import { INCIDENT_LAYER } from "./incident-layers.js";
import { setGroupVisible, setOverlayLanguage, showDistrict } from "./map-overlay.js";
import { attachPopups } from "./map-popups.js";
import { exposeTestHooks, type GridOpsTestHooks } from "./test-hooks.js";

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

/** The command centre's district map: cells, checkpoints, cameras and view cones with popups. */
export function createCommandMapView(deps: CommandMapDeps): CommandMapView {
  const { languages } = deps;
  const status = new StatusOverlay();
  const mapElement = h("div", { className: "map", attrs: { "data-testid": "map" } });
  const panelSlot = h("div", { className: "panel-slot" });
  const notice = h("div", { className: "notice", attrs: { hidden: "", role: "status" } });
  const element = h("main", { className: "command-map-view" }, mapElement, panelSlot, notice, status.element);

  let map: MapLibreMap | null = null;
  let hooks: GridOpsTestHooks | null = null;
  let loaded: LoadedDistrict | null = null;
  let counts: DistrictCounts | null = null;
  let lastError: unknown = null;
  let live: LiveCommand | null = null;
  const visible = new Set<LayerGroup>(ALL_GROUPS);

  const availableGroups = () =>
    ALL_GROUPS.filter((group) => {
      const kind = group === "viewCones" ? "cameras" : group;
      return !loaded?.forbidden.includes(kind);
    });

  const renderPanel = () => {
    const t = languages.t;
    if (!loaded || !counts) return panelSlot.replaceChildren();
    panelSlot.replaceChildren(
      renderLayerPanel({
        t,
        groups: availableGroups(),
        visible,
        summary: t("map.summary", { ...counts }),
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
    } else if (!loaded) {
      status.showLoading(t("map.loading"));
    } else {
      status.hide();
    }
  };

  async function loadData(): Promise<void> {
    if (!map || !hooks) return;
    const readyMap = map;
    const testHooks = hooks;
    testHooks.ready = false;
    lastError = null;
    loaded = null;
    renderStatus();
    try {
      const allowed = uiCapabilities(deps.session);
      const [district] = await Promise.all([loadDistrict(deps.api, allowed), mapLoaded(readyMap)]);
      loaded = district;
      counts = districtCounts(district.data);
      showDistrict(readyMap, district.data, languages.language);
      readyMap.getSource<GeoJSONSource>(BASE_CELLS_SOURCE)?.setData(district.data.cells);
      for (const kind of district.forbidden) setGroupVisible(readyMap, GROUP_BY_KIND[kind], false);
      if (district.forbidden.includes("cameras")) setGroupVisible(readyMap, "viewCones", false);
      const bounds = boundsOf([district.data.cells, district.data.checkpoints, district.data.cameras]);
      // The paddings keep the district clear of the layer panel (left) and the incident panel (right).
      if (bounds)
        readyMap.fitBounds(bounds, {
          padding: {
            top: 30,
            bottom: 30,
            left: 250,
            right: deps.session.permissions.includes("incidents:read") ? 380 : 60,
          },
          animate: false,
        });
      testHooks.counts = counts;
      if (!live) {
        live = startLiveCommand(readyMap, deps);
        element.append(...live.elements);
        testHooks.live = live.hooks;
      }
      readyMap.once("idle", () => {
        testHooks.ready = true;
        testHooks.readyAt ??= performance.now();
      });
    } catch (error) {
      if (isApiError(error) && error.status === 401) return deps.onUnauthenticated();
      lastError = error;
      console.error(error);
    }
    renderStatus();
    renderPanel();
  }

  const mapLoaded = (m: MapLibreMap) =>
    m.loaded() ? Promise.resolve() : new Promise<void>((resolve) => m.once("load", () => resolve()));

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

  renderStatus();
  void (async () => {
    const appBaseUrl = new URL(import.meta.env.BASE_URL, window.location.href).href;
    const { style, fellBack } = await baseStyleFor(deps.config, appBaseUrl);
    if (fellBack) {
      notice.textContent = languages.t("map.baseMapFailed");
      notice.hidden = false;
      setTimeout(() => {
        notice.hidden = true;
      }, 8000);
    }
    try {
      map = new MapLibreMap({
        container: mapElement,
        style: withFontFaces(style, bundledFontFaces(appBaseUrl)),
        center: [116.397, 39.909],
        zoom: 3,
        locale: mapLocale(languages.t),
        attributionControl: { compact: true },
      });
    } catch (error) {
      lastError = error;
      renderStatus();
      return;
    }
    addNavigation(map);
    map.addControl(new ScaleControl({ unit: "metric" }), "bottom-left");
    hooks = exposeTestHooks(map);
    popups = attachPopups(map, () => ({ t: languages.t, language: languages.language }), [
      INCIDENT_LAYER.points,
      INCIDENT_LAYER.clusters,
    ]);
    await loadData();
  })();

  return {
    element,
    destroy() {
      unsubscribe();
      live?.destroy();
      map?.remove();
      map = null;
      if (window.__gridops) delete window.__gridops;
    },
  };
}
