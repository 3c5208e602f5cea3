import { isApiError } from "../api/errors.js";
import type { GridOpsApi } from "../api/gridops-api.js";
import type { DistrictData } from "./district-sources.js";

export type DataKind = keyof DistrictData;
export const DATA_KINDS: readonly DataKind[] = ["cells", "checkpoints", "cameras"];

export interface LoadedDistrict {
  data: DistrictData;
  /** Kinds this user may not read (no permission, or the server answered 403); their layers stay off. */
  forbidden: DataKind[];
}

type DistrictApi = Pick<GridOpsApi, DataKind>;

/**
 * Loads the kinds the user may read, in parallel. Kinds not allowed are not requested, and a 403
 * for one kind hides that layer instead of failing the whole map; any other error fails the load
 * so the user sees it and can retry.
 */
export async function loadDistrict(
  api: DistrictApi,
  allowed: Readonly<Record<DataKind, boolean>>,
): Promise<LoadedDistrict> {
  const forbidden: DataKind[] = [];
  const load = async <K extends DataKind>(kind: K): Promise<DistrictData[K]> => {
    const empty = { type: "FeatureCollection", features: [] } as DistrictData[K];
    if (!allowed[kind]) {
      forbidden.push(kind);
      return empty;
    }
    try {
      // The cast is the bridge from "some kind K" to the matching client method's result.
      return (await api[kind]()) as DistrictData[K];
    } catch (error) {
      if (isApiError(error) && error.status === 403) {
        forbidden.push(kind);
        return empty;
      }
      throw error;
    }
  };
  const [cells, checkpoints, cameras] = await Promise.all([
    load("cells"),
    load("checkpoints"),
    load("cameras"),
  ]);
  forbidden.sort((a, b) => DATA_KINDS.indexOf(a) - DATA_KINDS.indexOf(b));
  return { data: { cells, checkpoints, cameras }, forbidden };
}
