/** Vendors and models for the synthetic inventory. Model names follow each vendor's
 * public naming; the figures are typical for the kind of camera, not datasheet values. */

export const CAMERA_VENDORS = ["hikvision", "dahua", "uniview", "axis", "hanwha"] as const;
export type CameraVendor = (typeof CAMERA_VENDORS)[number];

export type CameraKind = "anpr" | "bullet" | "dome" | "ptz";

export interface CameraModel {
  readonly vendor: CameraVendor;
  readonly model: string;
  readonly kind: CameraKind;
}

export interface KindFigures {
  readonly fovDeg: readonly [number, number];
  readonly rangeM: readonly [number, number];
  readonly mountingHeightM: readonly [number, number];
}

export const KIND_FIGURES: Record<CameraKind, KindFigures> = {
  anpr: { fovDeg: [30, 45], rangeM: [20, 40], mountingHeightM: [5.5, 7.5] },
  bullet: { fovDeg: [80, 105], rangeM: [40, 90], mountingHeightM: [3.5, 6] },
  dome: { fovDeg: [90, 110], rangeM: [20, 40], mountingHeightM: [2.8, 4.5] },
  ptz: { fovDeg: [55, 65], rangeM: [100, 150], mountingHeightM: [6, 12] },
};

export const CAMERA_MODELS: readonly CameraModel[] = [
  { vendor: "hikvision", model: "iDS-TCM403-GIR", kind: "anpr" },
  { vendor: "hikvision", model: "DS-2CD2T47G2-L", kind: "bullet" },
  { vendor: "hikvision", model: "DS-2CD2347G2-LU", kind: "dome" },
  { vendor: "hikvision", model: "DS-2DE4425IW-DE", kind: "ptz" },
  { vendor: "dahua", model: "ITC413-PW4D-IZ3", kind: "anpr" },
  { vendor: "dahua", model: "IPC-HFW5442T-ASE", kind: "bullet" },
  { vendor: "dahua", model: "IPC-HDW3441T-ZS", kind: "dome" },
  { vendor: "dahua", model: "SD49425XB-HNR", kind: "ptz" },
  { vendor: "uniview", model: "IPC2124LE-ADF40KM-G", kind: "anpr" },
  { vendor: "uniview", model: "IPC2124LB-SF28KM-G", kind: "bullet" },
  { vendor: "uniview", model: "IPC3614SR3-ADPF28-F", kind: "dome" },
  { vendor: "uniview", model: "IPC6322SR-X22P-C", kind: "ptz" },
  { vendor: "axis", model: "Q1700-LE", kind: "anpr" },
  { vendor: "axis", model: "P1465-LE", kind: "bullet" },
  { vendor: "axis", model: "M3106-LVE Mk II", kind: "dome" },
  { vendor: "axis", model: "Q6135-LE", kind: "ptz" },
  { vendor: "hanwha", model: "XNO-6123R/FNP", kind: "anpr" },
  { vendor: "hanwha", model: "XNO-6080R", kind: "bullet" },
  { vendor: "hanwha", model: "XND-6080RV", kind: "dome" },
  { vendor: "hanwha", model: "XNP-6400RW", kind: "ptz" },
];

/** Rough market shares in Chinese municipal deployments. */
export const VENDOR_WEIGHTS: readonly { value: CameraVendor; weight: number }[] = [
  { value: "hikvision", weight: 35 },
  { value: "dahua", weight: 30 },
  { value: "uniview", weight: 15 },
  { value: "hanwha", weight: 10 },
  { value: "axis", weight: 10 },
];

export const GRID_CAMERA_KIND_WEIGHTS: readonly { value: CameraKind; weight: number }[] = [
  { value: "bullet", weight: 5 },
  { value: "dome", weight: 4 },
  { value: "ptz", weight: 1 },
];

export function modelFor(vendor: CameraVendor, kind: CameraKind): CameraModel {
  const model = CAMERA_MODELS.find((m) => m.vendor === vendor && m.kind === kind);
  if (!model) throw new Error(`no ${kind} model for ${vendor}`);
  return model;
}
