import { z } from "zod";

const lon = z
  .number({ message: "longitude must be a number" })
  .min(-180, "longitude must be ≥ -180")
  .max(180, "longitude must be ≤ 180");
const lat = z
  .number({ message: "latitude must be a number" })
  .min(-90, "latitude must be ≥ -90")
  .max(90, "latitude must be ≤ 90");
const position = z.tuple([lon, lat], { message: "a position is [longitude, latitude]" });

const ring = z
  .array(position)
  .min(4, "a polygon ring needs at least 4 positions")
  .refine(
    (r) => r[0]![0] === r.at(-1)![0] && r[0]![1] === r.at(-1)![1],
    "a polygon ring must end where it starts",
  );

export const polygonSchema = z.strictObject({
  type: z.literal("Polygon"),
  coordinates: z.array(ring).min(1),
});
export const multiPolygonSchema = z.strictObject({
  type: z.literal("MultiPolygon"),
  coordinates: z.array(z.array(ring).min(1)).min(1),
});

/** A cell's area: GeoJSON Polygon or MultiPolygon in WGS 84 (longitude, latitude). */
export const areaGeometrySchema = z.discriminatedUnion("type", [polygonSchema, multiPolygonSchema], {
  error: (issue) =>
    issue.code === "invalid_union" ? "geometry must be a GeoJSON Polygon or MultiPolygon" : undefined,
});
export type AreaGeometry = z.infer<typeof areaGeometrySchema>;

export const lineStringSchema = z.strictObject({
  type: z.literal("LineString"),
  coordinates: z.array(position).min(2),
});

export const cellCodeSchema = z
  .string()
  .regex(/^[0-9A-Za-z]{1,32}$/, "cell codes are 1-32 letters or digits");
export const cellCodeParams = z.strictObject({ code: cellCodeSchema });
export const acceptedGapParams = z.strictObject({
  code: cellCodeSchema,
  id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
});
const name = z.string().trim().min(1).max(200);

export const createChildBody = z.strictObject({
  /** Omit to take the proposed next free code. */
  code: cellCodeSchema.optional(),
  name,
  name_en: name.nullable().optional(),
  geometry: areaGeometrySchema,
  /** Validate and check everything, return the report, write nothing. */
  dry_run: z.boolean().default(false),
});

export const updateCellBody = z
  .strictObject({
    name: name.optional(),
    name_en: name.nullable().optional(),
    geometry: areaGeometrySchema.optional(),
    /** Optimistic concurrency: refuse when the cell changed since this version was read. */
    expected_version: z.int().positive().optional(),
    /** Validate and check everything, return the report, write nothing. */
    dry_run: z.boolean().default(false),
  })
  .refine((b) => b.name !== undefined || b.name_en !== undefined || b.geometry !== undefined, {
    message: "nothing to change: give name, name_en or geometry",
  });

export const moveCellBody = z.strictObject({
  parent_code: cellCodeSchema,
  code: cellCodeSchema.optional(),
  dry_run: z.boolean().default(false),
});
export const splitCellBody = z.strictObject({ line: lineStringSchema, dry_run: z.boolean().default(false) });
export const mergeCellsBody = z.strictObject({
  with: z.array(cellCodeSchema).min(1).max(50),
  dry_run: z.boolean().default(false),
});
export const retireCellBody = z.strictObject({
  reason: z.string().trim().min(1).max(500),
  dry_run: z.boolean().default(false),
});
export const acceptGapBody = z.strictObject({
  geometry: areaGeometrySchema,
  reason: z.string().trim().min(1).max(500),
});
export const repairBody = z.strictObject({
  make_valid: z.boolean().default(false),
  /** Snap vertices to the parent's and siblings' vertices within this distance. */
  snap_tolerance_m: z.number().positive().max(50).optional(),
  /** Remove what still overlaps siblings after snapping. */
  trim_overlaps: z.boolean().default(false),
  /** Repair this candidate geometry instead of the stored one. */
  geometry: areaGeometrySchema.optional(),
  apply: z.boolean().default(false),
});

export const generateBody = z
  .strictObject({
    shape: z.enum(["square", "hexagon", "h3"]),
    /** Square side or hexagon edge length in metres. */
    size_m: z.number().min(10).max(20_000).optional(),
    /** H3 resolution. */
    resolution: z.int().min(0).max(15).optional(),
    name_prefix: name.optional(),
    commit: z.boolean().default(false),
    max_cells: z.int().min(1).max(5000).default(2000),
  })
  .refine((b) => (b.shape === "h3" ? b.resolution !== undefined : b.size_m !== undefined), {
    message: "give size_m for square/hexagon cells, resolution for h3",
  });

export const assignLeaderBody = z.strictObject({ user_id: z.int().positive() });
export const addWorkerBody = z.strictObject({ user_id: z.int().positive() });
export const assignableQuery = z.strictObject({ role: z.enum(["leader", "worker"]) });
export const workerParams = z.strictObject({
  code: cellCodeSchema,
  userId: z.coerce.number().int().positive(),
});

export const cellAtQuery = z.strictObject({
  at: z.iso.datetime({ offset: true, message: "at must be an ISO 8601 timestamp" }),
  lon: z.coerce.number().min(-180).max(180).optional(),
  lat: z.coerce.number().min(-90).max(90).optional(),
  code: cellCodeSchema.optional(),
});

export const batchUpdateBody = z.strictObject({
  changes: z
    .array(
      z.strictObject({
        code: cellCodeSchema,
        name: name.optional(),
        name_en: name.nullable().optional(),
        geometry: areaGeometrySchema.optional(),
      }),
    )
    .min(1)
    .max(500),
  dry_run: z.boolean().default(false),
});
