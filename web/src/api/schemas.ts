import { z } from "zod";

// Every response body the web app reads is parsed here, so a server change shows up as one
// clear "invalid_response" error instead of a map that silently draws nothing.

export const errorEnvelopeSchema = z.object({
  error: z.object({
    code: z.string().min(1),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

export const appConfigSchema = z.object({
  baseMapStyleUrl: z.string().min(1).nullable(),
  defaultLanguage: z.enum(["zh-CN", "en"]),
});
export type AppConfig = z.infer<typeof appConfigSchema>;

export const sessionSchema = z.object({
  user: z.object({
    id: z.union([z.string(), z.number()]),
    username: z.string(),
    displayName: z.string(),
  }),
  roles: z.array(z.string()),
  permissions: z.array(z.string()),
  cells: z.array(z.string()),
});
export type Session = z.infer<typeof sessionSchema>;

const position = z.array(z.number()).min(2);
const pointGeometry = z.object({ type: z.literal("Point"), coordinates: position });
const polygonGeometry = z.object({ type: z.literal("Polygon"), coordinates: z.array(z.array(position)) });
const multiPolygonGeometry = z.object({
  type: z.literal("MultiPolygon"),
  coordinates: z.array(z.array(z.array(position))),
});
const featureId = z.union([z.string(), z.number()]);
const optionalText = z.string().nullish();

export const cellPropertiesSchema = z.object({
  code: z.string().min(1),
  name: z.string(),
  name_en: optionalText,
  level: z.string(),
  parent_code: optionalText,
});
export type CellProperties = z.infer<typeof cellPropertiesSchema>;

export const checkpointPropertiesSchema = z.object({
  id: featureId,
  name: z.string(),
  name_en: optionalText,
  grade: z.enum(["A", "B", "C"]),
  road: optionalText,
  direction: optionalText,
  cell_code: optionalText,
});
export type CheckpointProperties = z.infer<typeof checkpointPropertiesSchema>;

export const cameraPropertiesSchema = z.object({
  id: featureId,
  name: z.string(),
  vendor: optionalText,
  model: optionalText,
  bearing: z.number().nullish(),
  fov_deg: z.number().nullish(),
  range_m: z.number().nullish(),
  checkpoint_id: featureId.nullish(),
  lane: z.union([z.string(), z.number()]).nullish(),
  cell_code: optionalText,
  status: z.string(),
});
export type CameraProperties = z.infer<typeof cameraPropertiesSchema>;

function featurePageSchema<G extends z.ZodType, P extends z.ZodType>(geometry: G, properties: P) {
  return z.object({
    type: z.literal("FeatureCollection"),
    features: z.array(
      z.object({ type: z.literal("Feature"), id: featureId.optional(), geometry, properties }),
    ),
    next_cursor: z.string().nullish(),
  });
}

export const cellPageSchema = featurePageSchema(
  z.union([polygonGeometry, multiPolygonGeometry]),
  cellPropertiesSchema,
);
export const checkpointPageSchema = featurePageSchema(pointGeometry, checkpointPropertiesSchema);
export const cameraPageSchema = featurePageSchema(pointGeometry, cameraPropertiesSchema);

export type CellPage = z.infer<typeof cellPageSchema>;
export type CheckpointPage = z.infer<typeof checkpointPageSchema>;
export type CameraPage = z.infer<typeof cameraPageSchema>;
export type CellFeature = CellPage["features"][number];
export type CheckpointFeature = CheckpointPage["features"][number];
export type CameraFeature = CameraPage["features"][number];

/** OGC API – Features items page, read only for its count (the web map asks with limit=1). */
export const featureCountSchema = z.object({ numberMatched: z.number().int().min(0) });

/** The parts of the server's TileJSON 3.0 the map uses: the data's bounds (for fitting the view). */
export const tileJsonSchema = z.object({
  tiles: z.array(z.string()).min(1),
  bounds: z.tuple([z.number(), z.number(), z.number(), z.number()]).optional(),
});
export type TileJson = z.infer<typeof tileJsonSchema>;

/** A camera's inventory record, as far as the map popup shows it (vector tiles carry fewer fields). */
export const cameraRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  name_en: optionalText,
  vendor: optionalText,
  model: optionalText,
  bearing: z.number().nullish(),
  status: z.string(),
});
export type CameraRecord = z.infer<typeof cameraRecordSchema>;
