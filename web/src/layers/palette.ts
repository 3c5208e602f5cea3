import type { ExpressionSpecification } from "maplibre-gl";

export type CellLevel = "district" | "street" | "community" | "grid";
export const CELL_LEVELS: readonly CellLevel[] = ["district", "street", "community", "grid"];

export const cellLevelStyle: Record<
  CellLevel,
  { outline: string; width: number; fill: string; opacity: number }
> = {
  district: { outline: "#1a365d", width: 3, fill: "#1a365d", opacity: 0 },
  street: { outline: "#2b6cb0", width: 2, fill: "#2b6cb0", opacity: 0 },
  community: { outline: "#2f855a", width: 1.25, fill: "#c6f6d5", opacity: 0.18 },
  grid: { outline: "#718096", width: 0.6, fill: "#bee3f8", opacity: 0.22 },
};

/** Health states from the glossary; anything else the server sends is drawn as unknown. */
export type CameraStatus =
  | "online"
  | "degraded"
  | "offline"
  | "auth_failed"
  | "no_video"
  | "tampered"
  | "maintenance"
  | "unknown";

export const cameraStatusColor: Record<CameraStatus, string> = {
  online: "#2f855a",
  degraded: "#d69e2e",
  offline: "#c53030",
  auth_failed: "#805ad5",
  no_video: "#dd6b20",
  tampered: "#d53f8c",
  maintenance: "#3182ce",
  unknown: "#718096",
};

export const CAMERA_STATUSES = Object.keys(cameraStatusColor) as CameraStatus[];

export function isCameraStatus(value: string): value is CameraStatus {
  return Object.hasOwn(cameraStatusColor, value);
}

export type CheckpointGrade = "A" | "B" | "C";
export const CHECKPOINT_GRADES: readonly CheckpointGrade[] = ["A", "B", "C"];

export const checkpointGradeStyle: Record<CheckpointGrade, { color: string; radiusPx: number }> = {
  A: { color: "#9b2c2c", radiusPx: 11 },
  B: { color: "#c05621", radiusPx: 9 },
  C: { color: "#4a5568", radiusPx: 7 },
};

/** A `match` expression over one property, with a fallback for values the table does not know. */
export function matchExpression(
  property: string,
  table: Readonly<Record<string, string | number>>,
  fallback: string | number,
): ExpressionSpecification {
  const pairs = Object.entries(table).flat();
  if (pairs.length === 0) throw new Error(`matchExpression on "${property}" needs at least one case`);
  // The spec's tuple type cannot describe a variable number of label/output pairs.
  return ["match", ["get", property], ...pairs, fallback] as unknown as ExpressionSpecification;
}
