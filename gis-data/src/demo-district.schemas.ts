import { z } from "zod";
import { CELL_CODE_PATTERN, CELL_LEVELS, levelOfCellCode, parentCellCode } from "./cell-codes.js";

/** Schemas of the demo district's GeoJSON files. The loader validates every file with
 * them, and the TypeScript types are derived from them. */

const longitude = z.number().min(-180).max(180);
const latitude = z.number().min(-90).max(90);
export const positionSchema = z.tuple([longitude, latitude]);

const linearRingSchema = z
  .array(positionSchema)
  .min(4)
  .refine((ring) => {
    const first = ring[0];
    const last = ring.at(-1);
    return first !== undefined && last !== undefined && first[0] === last[0] && first[1] === last[1];
  }, "a linear ring must end where it starts");

export const multiPolygonSchema = z.strictObject({
  type: z.literal("MultiPolygon"),
  coordinates: z.array(z.array(linearRingSchema).min(1)).min(1),
});

export const lineStringSchema = z.strictObject({
  type: z.literal("LineString"),
  coordinates: z.array(positionSchema).min(2),
});

export const pointSchema = z.strictObject({
  type: z.literal("Point"),
  coordinates: positionSchema,
});

function featureCollectionSchema<F extends z.ZodType>(feature: F) {
  return z.strictObject({ type: z.literal("FeatureCollection"), features: z.array(feature) });
}

// Cells ---------------------------------------------------------------------------------

export const cellCodeSchema = z.string().regex(CELL_CODE_PATTERN, "a cell code is 15 digits");
export const cellLevelSchema = z.enum(CELL_LEVELS);

export const cellPropertiesSchema = z
  .strictObject({
    code: cellCodeSchema,
    name: z.string().min(1),
    name_en: z.string().min(1),
    level: cellLevelSchema,
    parent_code: cellCodeSchema.nullable(),
  })
  .superRefine((p, ctx) => {
    const level = levelOfCellCode(p.code);
    if (level !== p.level) {
      ctx.addIssue({
        code: "custom",
        path: ["level"],
        message: `code ${p.code} encodes level ${level ?? "none"}`,
      });
      return;
    }
    if (parentCellCode(p.code) !== p.parent_code) {
      ctx.addIssue({
        code: "custom",
        path: ["parent_code"],
        message: `parent of ${p.code} must be ${parentCellCode(p.code)}`,
      });
    }
  });

export const cellFeatureSchema = z
  .strictObject({
    type: z.literal("Feature"),
    id: cellCodeSchema,
    geometry: multiPolygonSchema,
    properties: cellPropertiesSchema,
  })
  .refine((f) => f.id === f.properties.code, {
    message: "feature id must equal properties.code",
    path: ["id"],
  });

export const cellCollectionSchema = featureCollectionSchema(cellFeatureSchema);

// Roads ---------------------------------------------------------------------------------

export const roadClassSchema = z.enum(["primary", "secondary"]);

export const roadFeatureSchema = z.strictObject({
  type: z.literal("Feature"),
  geometry: lineStringSchema,
  properties: z.strictObject({
    name: z.string().min(1),
    name_en: z.string().min(1),
    class: roadClassSchema,
  }),
});

export const roadCollectionSchema = featureCollectionSchema(roadFeatureSchema);

// Checkpoints ---------------------------------------------------------------------------

export const travelDirectionSchema = z.enum(["northbound", "southbound", "eastbound", "westbound"]);
export const checkpointDirectionSchema = z.enum([...travelDirectionSchema.options, "both"]);
export const checkpointGradeSchema = z.enum(["A", "B", "C"]);
export const checkpointIdSchema = z.string().regex(/^CP-\d{3,}$/);
export const cameraIdSchema = z.string().regex(/^CAM-\d{4,}$/);

export const laneSchema = z.strictObject({
  number: z.int().positive(),
  direction: travelDirectionSchema,
  camera_id: cameraIdSchema,
});

export const checkpointPropertiesSchema = z.strictObject({
  id: checkpointIdSchema,
  name: z.string().min(1),
  name_en: z.string().min(1),
  grade: checkpointGradeSchema,
  road: z.string().min(1),
  direction: checkpointDirectionSchema,
  lanes: z.array(laneSchema).min(1),
  cell_code: cellCodeSchema,
});

export const checkpointFeatureSchema = z
  .strictObject({
    type: z.literal("Feature"),
    id: checkpointIdSchema,
    geometry: pointSchema,
    properties: checkpointPropertiesSchema,
  })
  .refine((f) => f.id === f.properties.id, { message: "feature id must equal properties.id", path: ["id"] });

export const checkpointCollectionSchema = featureCollectionSchema(checkpointFeatureSchema);

// Cameras -------------------------------------------------------------------------------

export const cameraVendorSchema = z.enum(["hikvision", "dahua", "uniview", "axis", "hanwha"]);

export const cameraPropertiesSchema = z
  .strictObject({
    id: cameraIdSchema,
    name: z.string().min(1),
    name_en: z.string().min(1),
    vendor: cameraVendorSchema,
    model: z.string().min(1),
    /** Compass bearing the camera faces, degrees clockwise from north. */
    bearing: z.number().min(0).lt(360),
    fov_deg: z.number().min(30).max(110),
    range_m: z.number().min(20).max(150),
    mounting_height_m: z.number().positive().max(30),
    checkpoint_id: checkpointIdSchema.nullable(),
    lane: z.int().positive().nullable(),
    cell_code: cellCodeSchema,
  })
  .refine((p) => (p.checkpoint_id === null) === (p.lane === null), {
    message: "checkpoint_id and lane are both set (lane camera) or both null",
    path: ["lane"],
  });

export const cameraFeatureSchema = z
  .strictObject({
    type: z.literal("Feature"),
    id: cameraIdSchema,
    geometry: pointSchema,
    properties: cameraPropertiesSchema,
  })
  .refine((f) => f.id === f.properties.id, { message: "feature id must equal properties.id", path: ["id"] });

export const cameraCollectionSchema = featureCollectionSchema(cameraFeatureSchema);

// Types ---------------------------------------------------------------------------------

export type Position = z.infer<typeof positionSchema>;
export type CellFeature = z.infer<typeof cellFeatureSchema>;
export type CellProperties = z.infer<typeof cellPropertiesSchema>;
export type CellCollection = z.infer<typeof cellCollectionSchema>;
export type RoadFeature = z.infer<typeof roadFeatureSchema>;
export type RoadClass = z.infer<typeof roadClassSchema>;
export type RoadCollection = z.infer<typeof roadCollectionSchema>;
export type TravelDirection = z.infer<typeof travelDirectionSchema>;
export type CheckpointDirection = z.infer<typeof checkpointDirectionSchema>;
export type CheckpointGrade = z.infer<typeof checkpointGradeSchema>;
export type Lane = z.infer<typeof laneSchema>;
export type CheckpointFeature = z.infer<typeof checkpointFeatureSchema>;
export type CheckpointProperties = z.infer<typeof checkpointPropertiesSchema>;
export type CheckpointCollection = z.infer<typeof checkpointCollectionSchema>;
export type CameraVendor = z.infer<typeof cameraVendorSchema>;
export type CameraFeature = z.infer<typeof cameraFeatureSchema>;
export type CameraProperties = z.infer<typeof cameraPropertiesSchema>;
export type CameraCollection = z.infer<typeof cameraCollectionSchema>;

export interface DemoDistrict {
  readonly cells: CellCollection;
  readonly roads: RoadCollection;
  readonly checkpoints: CheckpointCollection;
  readonly cameras: CameraCollection;
}

export const DEMO_DISTRICT_FILES = {
  cells: "cells.geojson",
  roads: "roads.geojson",
  checkpoints: "checkpoints.geojson",
  cameras: "cameras.geojson",
} as const satisfies Record<keyof DemoDistrict, string>;
