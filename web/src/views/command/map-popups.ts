import {
  type LngLat,
  type MapGeoJSONFeature,
  type Map as MapLibreMap,
  type MapMouseEvent,
  type Point,
  Popup,
} from "maplibre-gl";
import type { Language, Translate } from "../../i18n/i18n.js";
import { CLICKABLE_LAYERS, LAYER } from "../../layers/ids.js";
import { type PopupKind, popupModel, renderPopup } from "../../ui/popup-content.js";

const KIND_BY_LAYER: Record<(typeof CLICKABLE_LAYERS)[number], PopupKind> = {
  [LAYER.cameraCircle]: "camera",
  [LAYER.checkpointSymbol]: "checkpoint",
  [LAYER.cellFill]: "cell",
};

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
}

export interface MapPopups {
  /** Re-renders an open popup in the new language. */
  relabel(): void;
}

/**
 * One click handler for every clickable layer: the topmost kind wins (camera over checkpoint over
 * cell), and among cells the finest level, because that is the one the user is pointing at.
 */
export function attachPopups(
  map: MapLibreMap,
  current: () => { t: Translate; language: Language },
  /** Layers whose clicks another handler owns (live incidents): a hit there opens no popup. */
  claimedLayers: readonly string[] = [],
): MapPopups {
  const popup = new Popup({ closeButton: true, maxWidth: "320px" });
  let open: OpenPopup | null = null;
  popup.on("close", () => {
    open = null;
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
    if (claimed.length > 0 && map.queryRenderedFeatures(box, { layers: claimed }).length > 0) return;
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
    if (!hit) return;
    const kind = KIND_BY_LAYER[hit.layer.id as keyof typeof KIND_BY_LAYER];
    open = { kind, properties: { ...hit.properties }, lngLat: event.lngLat };
    popup.setLngLat(event.lngLat);
    render();
    if (!popup.isOpen()) popup.addTo(map);
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
