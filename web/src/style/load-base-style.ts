import type { StyleSpecification } from "maplibre-gl";
import { asStyleDocument } from "./base-style.js";

export class BaseStyleError extends Error {
  override readonly name = "BaseStyleError";
  readonly code = "base_style_unavailable";
}

/** Fetches a configured production base map (OSM, Tianditu, own PMTiles style) as a style document. */
export async function loadBaseStyle(url: string, fetchFn: typeof fetch = fetch): Promise<StyleSpecification> {
  let body: unknown;
  try {
    const response = await fetchFn(url, { credentials: "omit" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    body = await response.json();
  } catch (cause) {
    throw new BaseStyleError(`Base map style ${url} could not be fetched`, { cause });
  }
  const style = asStyleDocument(body);
  if (!style) throw new BaseStyleError(`Base map style ${url} is not a MapLibre v8 style`);
  return style;
}
