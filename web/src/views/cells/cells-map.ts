import { type GeoJSONSource, Map as MapLibreMap, NavigationControl } from "maplibre-gl";
import {
  type SnapToCustom,
  TerraDraw,
  TerraDrawLineStringMode,
  TerraDrawPolygonMode,
  TerraDrawSelectMode,
} from "terra-draw";
import { TerraDrawMapLibreGLAdapter } from "terra-draw-maplibre-gl-adapter";
import { withFontFaces } from "../../style/base-style.js";
import { bundledFontFaces } from "../../style/noto-sans-sc.js";
import { baseStyleFor, mapLocale } from "../command/command-map-view.js";
import type { ViewContext } from "../routes.js";

const SELECTED_SOURCE = "cells-selected";

/** The cells view's map on the same base style as the command map; resolves once loaded. */
export async function createCellsMap(container: HTMLElement, ctx: ViewContext): Promise<MapLibreMap> {
  const appBaseUrl = new URL(import.meta.env.BASE_URL, window.location.href).href;
  const { style } = await baseStyleFor(ctx.config, appBaseUrl);
  const map = new MapLibreMap({
    container,
    style: withFontFaces(style, bundledFontFaces(appBaseUrl)),
    center: [116.397, 39.909],
    zoom: 3,
    locale: mapLocale(ctx.languages.t),
  });
  map.addControl(new NavigationControl({ visualizePitch: false }), "top-right");
  await new Promise<void>((resolve) => map.once("load", () => resolve()));
  return map;
}

/** Outlines the selected cell (adds the source and layer on first use). */
export function showSelection(map: MapLibreMap, feature: GeoJSON.Feature | null): void {
  const data: GeoJSON.FeatureCollection = { type: "FeatureCollection", features: feature ? [feature] : [] };
  const source = map.getSource<GeoJSONSource>(SELECTED_SOURCE);
  if (source) {
    void source.setData(data);
    return;
  }
  map.addSource(SELECTED_SOURCE, { type: "geojson", data });
  map.addLayer({
    id: "cells-selected-line",
    type: "line",
    source: SELECTED_SOURCE,
    paint: { "line-color": "#2b6cb0", "line-width": 3 },
  });
}

/**
 * terra-draw with a polygon mode to draw, a line mode for split lines and a select mode to
 * drag corners, all snapping via `snap`.
 */
export function createCellDraw(map: MapLibreMap, snap: SnapToCustom): TerraDraw {
  const draw = new TerraDraw({
    adapter: new TerraDrawMapLibreGLAdapter({ map }),
    modes: [
      new TerraDrawPolygonMode({ snapping: { toCustom: snap } }),
      new TerraDrawLineStringMode({ snapping: { toCustom: snap } }),
      new TerraDrawSelectMode({
        flags: {
          polygon: {
            feature: {
              coordinates: {
                draggable: true,
                midpoints: true,
                deletable: true,
                snappable: { toCustom: snap },
              },
            },
          },
        },
      }),
    ],
  });
  draw.start();
  draw.setMode("static");
  return draw;
}
