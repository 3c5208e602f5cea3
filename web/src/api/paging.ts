import { ApiError } from "./errors.js";

/** The server's largest page; fewer round trips for a whole district. */
export const MAX_PAGE_SIZE = 5000;

export interface FeaturePage<F> {
  features: F[];
  next_cursor?: string | null | undefined;
}

export type PageFetcher<F> = (cursor: string | null) => Promise<FeaturePage<F>>;

export interface CollectOptions {
  /** Stops a server that never ends its cursor chain from hanging the map. */
  maxPages?: number;
}

/** Follows `next_cursor` until it is null and returns every feature in server order. */
export async function collectAllPages<F>(
  fetchPage: PageFetcher<F>,
  options: CollectOptions = {},
): Promise<F[]> {
  const maxPages = options.maxPages ?? 1000;
  const features: F[] = [];
  const seenCursors = new Set<string>();
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const result: FeaturePage<F> = await fetchPage(cursor);
    features.push(...result.features);
    const next = result.next_cursor ?? null;
    if (next === null) return features;
    if (seenCursors.has(next)) {
      throw new ApiError("invalid_response", `The server repeated the page cursor "${next}"`, 200);
    }
    seenCursors.add(next);
    cursor = next;
  }
  throw new ApiError("invalid_response", `Gave up after ${maxPages} pages without reaching the end`, 200);
}
