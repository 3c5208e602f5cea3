import {
  type LngLat,
  type MapGeoJSONFeature,
  type Map as MapLibreMap,
  type MapMouseEvent,
  type Point,
  Popup,
} from "maplibre-gl";
import type { Language, Translate } from "../../i18n/i18n.js";
import { setStaticState } from "../../layers/feature-state.js";
import { CLICKABLE_LAYERS, LAYER } from "../../layers/ids.js";
import { type PopupKind, popupModel, renderPopup } from "../../ui/popup-content.js";

type PopupLayer = Exclude<(typeof CLICKABLE_LAYERS)[number], typeof LAYER.cameraCluster>;

const KIND_BY_LAYER: Record<PopupLayer, PopupKind> = {
  [LAYER.cameraCircle]: "camera",
  [LAYER.checkpointSymbol]: "checkpoint",
  [LAYER.cellFill]: "cell",
};

/** Zoom from which the camera tiles hold single cameras rather than clusters. */
const CAMERA_SINGLES_ZOOM = 14;

/** Click slop in pixels, so a small camera dot is easy to hit on a touch screen. */
const HIT_RADIUS_PX = 6;

const LEVEL_RANK: Readonly<Record<string, number>> = { district: 0, street: 1, community: 2, grid: 3 };
const levelRank = (level: unknown) => (typeof level === "string" ? (LEVEL_RANK[level] ?? 4) : -1);

/**
 * Among hits of one layer: the point nearest the click (lane cameras stand metres apart), or for
 * cells the finest level, since a click inside a grid is also inside its community and street.
 */
function pickHit(map: MapLibreMap, hits: MapGeoJSONFeature[], clicked: Point): MapGeoJSONFeature | undefined {
  const distance = (feature: MapGeoJSONFeature) => {
    if (feature.geometry.type !== "Point") return Number.POSITIVE_INFINITY;
    const [lon = 0, lat = 0] = feature.geometry.coordinates;
    return map.project([lon, lat]).dist(clicked);
  };
  return hits.reduce((best, hit) => {
    const byLevel = levelRank(hit.properties.level) - levelRank(best.properties.level);
    if (byLevel !== 0) return byLevel > 0 ? hit : best;
    return distance(hit) < distance(best) ? hit : best;
  });
}

interface OpenPopup {
  kind: PopupKind;
  properties: Record<string, unknown>;
  lngLat: LngLat;
  /** The status shown is live feature-state, newer than any fetched record. */
  liveStatus: boolean;
}

/** Fetches what a vector tile leaves out of a feature (a camera's vendor and model); null: nothing to add. */
export type PopupDetails = (
  kind: PopupKind,
  properties: Readonly<Record<string, unknown>>,
) => Promise<Record<string, unknown> | null>;

/** The clicked feature's properties, with live feature-state (camera health) over the loaded value. */
function currentProperties(hit: MapGeoJSONFeature): {
  properties: Record<string, unknown>;
  liveStatus: boolean;
} {
  const status = hit.state?.status;
  return typeof status === "string"
    ? { properties: { ...hit.properties, status }, liveStatus: true }
    : { properties: { ...hit.properties }, liveStatus: false };
}

/** A cluster of tiled cameras: zoom in towards it (far enough out, it splits into cameras at z14). */
function zoomIntoCluster(map: MapLibreMap, hit: MapGeoJSONFeature): void {
  if (hit.geometry.type !== "Point") return;
  const [lon = 0, lat = 0] = hit.geometry.coordinates;
  map.easeTo({ center: [lon, lat], zoom: Math.min(CAMERA_SINGLES_ZOOM, map.getZoom() + 3) });
}

export interface MapPopups {
  /** Re-renders an open popup in the new language. */
  relabel(): void;
}

/**
 * One click handler for every clickable layer: the topmost kind wins (camera over checkpoint over
 * cell), and among cells the finest level, because that is the one the user is pointing at. The
 * clicked feature is marked with feature-state `selected` (by its domain id, on GeoJSON and tile
 * sources alike) until the popup closes; a camera cluster zooms in instead.
 */
export function attachPopups(
  map: MapLibreMap,
  current: () => { t: Translate; language: Language },
  /** Layers whose clicks another handler owns (live incidents): a hit there opens no popup. */
  claimedLayers: readonly string[] = [],
  details: PopupDetails | null = null,
): MapPopups {
  // Closed by this handler rather than by MapLibre's own click listener, which would run after it
  // and close the popup just opened on another feature.
  const popup = new Popup({ closeButton: true, closeOnClick: false, maxWidth: "320px" });
  let open: OpenPopup | null = null;
  let selected: { source: string; id: string | number } | null = null;
  const select = (next: typeof selected) => {
    if (selected) setStaticState(map, selected.source, selected.id, { selected: false });
    selected = next;
    if (selected) setStaticState(map, selected.source, selected.id, { selected: true });
  };
  popup.on("close", () => {
    open = null;
    select(null);
  });

  const render = () => {
    if (!open) return;
    const { t, language } = current();
    popup.setDOMContent(renderPopup(popupModel(open.kind, open.properties, t, language)));
  };

  map.on("click", (event: MapMouseEvent) => {
    const { x, y } = event.point;
    const claimed = claimedLayers.filter((id) => map.getLayer(id));
    const box: [[number, number], [number, number]] = [
      [x - HIT_RADIUS_PX, y - HIT_RADIUS_PX],
      [x + HIT_RADIUS_PX, y + HIT_RADIUS_PX],
    ];
    if (claimed.length > 0 && map.queryRenderedFeatures(box, { layers: claimed }).length > 0) {
      popup.remove();
      return;
    }
    const layers = CLICKABLE_LAYERS.filter(
      (id) => map.getLayer(id) && map.getLayoutProperty(id, "visibility") !== "none",
    );
    if (layers.length === 0) return;
    const hits = map.queryRenderedFeatures(
      [
        [x - HIT_RADIUS_PX, y - HIT_RADIUS_PX],
        [x + HIT_RADIUS_PX, y + HIT_RADIUS_PX],
      ],
      { layers },
    );
    const best = layers
      .map((layerId) => hits.filter((hit) => hit.layer.id === layerId))
      .find((forLayer) => forLayer.length > 0);
    const hit = best ? pickHit(map, best, event.point) : undefined;
    if (!hit) {
      popup.remove();
      return;
    }
    if (hit.layer.id === LAYER.cameraCluster) {
      popup.remove();
      return zoomIntoCluster(map, hit);
    }
    const kind = KIND_BY_LAYER[hit.layer.id as PopupLayer];
    const shown: OpenPopup = { kind, ...currentProperties(hit), lngLat: event.lngLat };
    open = shown;
    select(hit.id === undefined ? null : { source: hit.source, id: hit.id });
    popup.setLngLat(event.lngLat);
    render();
    if (!popup.isOpen()) popup.addTo(map);
    void details?.(kind, shown.properties).then((extra) => {
      // Only if that popup is still the one open; live status stays over the fetched one.
      if (!extra || open !== shown) return;
      const status = shown.liveStatus ? { status: shown.properties.status } : {};
      shown.properties = { ...shown.properties, ...present(extra), ...status };
      render();
    });
  });

  for (const layerId of CLICKABLE_LAYERS) {
    map.on("mouseenter", layerId, () => {
      map.getCanvas().style.cursor = "pointer";
    });
    map.on("mouseleave", layerId, () => {
      map.getCanvas().style.cursor = "";
    });
  }

  return { relabel: render };
}

/** The fetched fields that hold a value. */
function present(extra: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(extra).filter(([, value]) => value !== null && value !== undefined),
  );
}
