import { isApiError } from "../api/errors.js";
import type { GridOpsApi } from "../api/gridops-api.js";
import type { DistrictData } from "./district-sources.js";

export type DataKind = keyof DistrictData;

export interface LoadedDistrict {
  data: DistrictData;
  /** Kinds the server refused (403) for this user; their layers stay off the map. */
  forbidden: DataKind[];
}

const empty = <T>() => ({ type: "FeatureCollection" as const, features: [] as T[] });

/**
 * Loads cells, checkpoints and cameras in parallel. A 403 for one kind hides that layer instead of
 * failing the whole map; any other error fails the load so the user sees it and can retry.
 */
export async function loadDistrict(
  api: Pick<GridOpsApi, "cells" | "checkpoints" | "cameras">,
): Promise<LoadedDistrict> {
  const forbidden: DataKind[] = [];
  const allowForbidden =
    <T>(kind: DataKind, fallback: T) =>
    (error: unknown): T => {
      if (isApiError(error) && error.status === 403) {
        forbidden.push(kind);
        return fallback;
      }
      throw error;
    };
  const [cells, checkpoints, cameras] = await Promise.all([
    api.cells().catch(allowForbidden("cells", empty())),
    api.checkpoints().catch(allowForbidden("checkpoints", empty())),
    api.cameras().catch(allowForbidden("cameras", empty())),
  ]);
  return { data: { cells, checkpoints, cameras } as DistrictData, forbidden };
}
