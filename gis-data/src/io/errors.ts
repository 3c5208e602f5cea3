/** Machine-readable reasons a cell file is refused; each names the feature or row when there is one. */
export type CellIoErrorCode =
  | "file_too_large"
  | "zip_unreadable"
  | "zip_too_many_entries"
  | "zip_bomb"
  | "zip_entry_too_large"
  | "unknown_format"
  | "invalid_json"
  | "not_a_feature_collection"
  | "shapefile_incomplete"
  | "shapefile_missing_prj"
  | "shapefile_unreadable"
  | "unsupported_shape_type"
  | "geopackage_unreadable"
  | "geopackage_invalid"
  | "geopackage_no_feature_table"
  | "unsupported_crs"
  | "crs_mismatch"
  | "invalid_geometry_type"
  | "invalid_coordinates"
  | "invalid_wkb"
  | "missing_attribute"
  | "too_many_features";

/** Where in the file a problem is: 1-based feature/row number and, when known, the code. */
export interface FeatureLocation {
  row: number;
  code?: string | undefined;
}

export class CellIoError extends Error {
  override readonly name = "CellIoError";

  constructor(
    readonly code: CellIoErrorCode,
    message: string,
    readonly location?: FeatureLocation,
    options?: { cause?: unknown },
  ) {
    super(location ? `${describeLocation(location)}: ${message}` : message, options);
  }
}

export function describeLocation(at: FeatureLocation): string {
  return at.code ? `feature ${at.row} (code ${at.code})` : `feature ${at.row}`;
}
