/** How far below a fitted zoom the opening view may go to stay under a whole zoom level. */
const OPENING_ZOOM_SLACK = 0.3;

/**
 * The zoom the district opens at: its fitted zoom, or just under the whole zoom level when the
 * fit is a little above one (12.1 → 11.999, the district drawn ~7 % smaller). MapLibre draws a
 * fractional zoom from the tiles of the whole level below it, so the district then comes from
 * the larger z11 tiles: about 2–4 tiles per source instead of 6 at z12, each costing the worker
 * a bucket per layer (decision 0127). Zooming in loads the finer tiles as usual. (Static layers
 * drawn from the server's vector tiles keep the fitted zoom: what those tiles hold depends on it.)
 */
export function openingZoom(fitted: number): number {
  const below = Math.floor(fitted);
  return fitted - below < OPENING_ZOOM_SLACK && below > 0 ? below - 0.001 : fitted;
}
