import offlineStyleDocument from "virtual:gridops/offline-style";
import { type GeoJSONSource, Map as MapLibreMap, type MapMouseEvent } from "maplibre-gl";
import type { CameraCollection } from "../../api/gridops-api.js";
import { boundsOf } from "../../geo/bounds.js";
import { cameraLayers } from "../../layers/camera-layers.js";
import { LAYER, SOURCE } from "../../layers/ids.js";
import {
  asStyleDocument,
  backgroundOnlyStyle,
  prepareOfflineStyle,
  withFontFaces,
} from "../../style/base-style.js";
import { bundledFontFaces } from "../../style/noto-sans-sc.js";
import { h } from "../../ui/dom.js";
import { exposeTestHooks } from "../command/test-hooks.js";

export interface FleetMap {
  element: HTMLElement;
  /** Recolours one camera (a `camera.status` event) as a diff, not a reload of every camera. */
  setStatus(cameraId: string, status: string): void;
  destroy(): void;
}

/**
 * A small map of the fleet, cameras coloured by health with the command map's camera layer, on
 * the offline base map. Clicking a camera opens its page.
 */
export function createFleetMap(
  loadCameras: () => Promise<CameraCollection>,
  onCamera: (cameraId: string) => void,
): FleetMap {
  const element = h("div", { className: "mini-map", attrs: { "data-testid": "fleet-map" } });
  const appBaseUrl = new URL(import.meta.env.BASE_URL, window.location.href).href;
  const document = asStyleDocument(offlineStyleDocument);
  const style = document ? prepareOfflineStyle(document, appBaseUrl) : backgroundOnlyStyle();
  let map: MapLibreMap | null = null;
  const pending = new Map<string, string>();
  let ready = false;

  // The container must be in the document before MapLibre measures it.
  requestAnimationFrame(() => {
    if (!element.isConnected) return;
    map = new MapLibreMap({
      container: element,
      style: withFontFaces(style, bundledFontFaces(appBaseUrl)),
      center: [116.397, 39.909],
      zoom: 3,
      attributionControl: { compact: true },
    });
    const m = map;
    // The same small test surface as the command map, so browser tests can read the source.
    const hooks = exposeTestHooks(m);
    m.on("load", async () => {
      try {
        const cameras = await loadCameras();
        m.addSource(SOURCE.cameras, { type: "geojson", data: cameras, promoteId: "id" });
        for (const layer of cameraLayers()) m.addLayer(layer);
        const bounds = boundsOf([cameras]);
        if (bounds) m.fitBounds(bounds, { padding: 30, animate: false });
        ready = true;
        for (const [id, status] of pending) setStatus(id, status);
        pending.clear();
        element.dataset.ready = "true";
        hooks.ready = true;
      } catch (error) {
        console.warn("fleet map: cameras not loaded", error);
      }
    });
    m.on(
      "click",
      LAYER.cameraCircle,
      (event: MapMouseEvent & { features?: { properties: { id?: unknown } }[] }) => {
        const id = event.features?.[0]?.properties.id;
        if (typeof id === "string") onCamera(id);
      },
    );
    m.on("mouseenter", LAYER.cameraCircle, () => {
      m.getCanvas().style.cursor = "pointer";
    });
    m.on("mouseleave", LAYER.cameraCircle, () => {
      m.getCanvas().style.cursor = "";
    });
  });

  function setStatus(cameraId: string, status: string) {
    if (!ready || !map) {
      pending.set(cameraId, status);
      return;
    }
    map.getSource<GeoJSONSource>(SOURCE.cameras)?.updateData({
      update: [{ id: cameraId, addOrUpdateProperties: [{ key: "status", value: status }] }],
    });
  }

  return {
    element,
    setStatus,
    destroy: () => {
      map?.remove();
      map = null;
      if (window.__gridops) delete window.__gridops;
    },
  };
}
