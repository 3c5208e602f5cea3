import { z } from "zod";
import type { operations } from "../../api/generated/openapi.js";
import { editResultSchema, topologyReportSchema } from "./cell-edit-api.js";

// Response shapes of the cell administration routes (server/src/features/cells/*.routes.ts).
// The OpenAPI document names the routes but not these bodies, so they are written out here and
// every response is parsed: a server change shows up as one "invalid_response", not a blank panel.

const position = z.array(z.number()).min(2);
const polygon = z.object({ type: z.literal("Polygon"), coordinates: z.array(z.array(position)) });
const multiPolygon = z.object({
  type: z.literal("MultiPolygon"),
  coordinates: z.array(z.array(z.array(position))),
});
export const areaGeometrySchema = z.discriminatedUnion("type", [polygon, multiPolygon]);

/** A timestamp as JSON carries it (the server serialises dates as ISO 8601 text). */
const instant = z.string().min(1);

export const cellFeatureSchema = z.object({
  type: z.literal("Feature"),
  id: z.union([z.string(), z.number()]).nullish(),
  geometry: areaGeometrySchema,
  properties: z.object({
    code: z.string().min(1),
    name: z.string(),
    name_en: z.string().nullish(),
    level: z.string(),
    parent_code: z.string().nullish(),
    version: z.number().optional(),
    area_m2: z.number().optional(),
  }),
});
export type CellFeature = z.infer<typeof cellFeatureSchema>;

/** Split, merge, move and retire answer with the cells written (or, on a dry run, that would be). */
export const shapeEditResultSchema = editResultSchema.extend({
  cells: z.array(cellFeatureSchema),
  dry_run: z.boolean().optional(),
  area_before_m2: z.number().optional(),
  area_after_m2: z.number().optional(),
});
export type ShapeEditResult = z.infer<typeof shapeEditResultSchema>;

export const cellVersionSchema = z.object({
  version: z.number(),
  name: z.string(),
  name_en: z.string().nullable(),
  level: z.string(),
  parent_code: z.string().nullable(),
  valid_from: instant,
  valid_to: instant.nullable(),
  area_m2: z.number(),
  geometry: areaGeometrySchema,
});
export type CellVersion = z.infer<typeof cellVersionSchema>;

export const cellHistorySchema = z.object({ code: z.string(), versions: z.array(cellVersionSchema) });

export const cellAtSchema = cellVersionSchema.omit({ area_m2: true }).extend({ code: z.string() });
export type CellAt = z.infer<typeof cellAtSchema>;

const personSchema = z.object({
  user_id: z.number(),
  username: z.string(),
  display_name: z.string(),
  since: instant,
});
export type Person = z.infer<typeof personSchema>;

export const peopleSchema = z.object({
  leader: personSchema.nullable(),
  workers: z.array(personSchema),
  history: z.array(
    z.object({
      user_id: z.number(),
      username: z.string(),
      display_name: z.string(),
      role: z.enum(["leader", "worker"]),
      valid_from: instant,
      valid_to: instant.nullable(),
    }),
  ),
});
export type People = z.infer<typeof peopleSchema>;

/** GET /cells/:code/assignable-people: who the server would accept for a role in the grid. */
export const assignableSchema = z.object({
  users: z.array(z.object({ userId: z.number(), username: z.string(), displayName: z.string() })),
});
export type AssignableUser = z.infer<typeof assignableSchema>["users"][number];

export const cellSummarySchema = z.object({
  cell: z.object({
    code: z.string(),
    name: z.string(),
    name_en: z.string().nullable(),
    level: z.string(),
    parent_code: z.string().nullable(),
    version: z.number(),
    area_m2: z.number(),
  }),
  leader: personSchema.nullable(),
  workers: z.array(personSchema),
  cameras: z.object({ total: z.number(), by_status: z.record(z.string(), z.number()) }),
  checkpoints: z.object({ total: z.number() }),
  /** Null when the caller may not read incidents. */
  incidents: z.object({ open: z.number(), overdue: z.number() }).nullable(),
  /** Null when the caller may not read reports; `latest` is null until the grid files one. */
  daily_report: z
    .object({
      latest: z
        .object({
          reportDate: z.string(),
          nothingToReport: z.boolean(),
          late: z.boolean(),
          items: z.number(),
        })
        .nullable(),
    })
    .nullable(),
});
export type CellSummary = z.infer<typeof cellSummarySchema>;

const importRowProblemSchema = z.object({
  row: z.number(),
  code: z.string(),
  error: z.string(),
  message: z.string(),
});
export type ImportRowProblem = z.infer<typeof importRowProblemSchema>;

export const importReportSchema = z.object({
  ok: z.boolean(),
  features: z.number(),
  add: z.array(z.string()),
  change: z.array(z.string()),
  retire: z.array(z.string()),
  unchanged: z.number(),
  rows: z.array(importRowProblemSchema),
  topology: topologyReportSchema.nullable(),
});
export type ImportReport = z.infer<typeof importReportSchema>;

export const importStartSchema = z.object({ id: z.number(), status: z.string() });

export const importProgressSchema = z.object({
  phase: z.string(),
  done: z.number(),
  total: z.number().nullable(),
});
export type ImportProgress = z.infer<typeof importProgressSchema>;

export const cellImportSchema = z.object({
  id: z.number(),
  /** parsing → checking → ready | rejected | failed; ready → applied. Unknown states end polling. */
  status: z.string(),
  file_name: z.string(),
  format: z.string().nullable(),
  crs: z.string().nullable(),
  root_code: z.string().nullable(),
  progress: importProgressSchema.nullable(),
  error: z
    .object({
      code: z.string(),
      message: z.string(),
      row: z.number().nullish(),
      cell_code: z.string().nullish(),
    })
    .nullable(),
  report: importReportSchema.nullable(),
  created_at: instant,
  applied_at: instant.nullable(),
});
export type CellImport = z.infer<typeof cellImportSchema>;

export const generateResultSchema = z.object({
  dry_run: z.boolean(),
  count: z.number(),
  report: topologyReportSchema,
  cells: z.object({ type: z.literal("FeatureCollection"), features: z.array(cellFeatureSchema) }),
});
export type GenerateResult = z.infer<typeof generateResultSchema>;

export const repairResultSchema = z.object({
  dry_run: z.boolean(),
  before: z.object({ valid: z.boolean(), reason: z.string().nullable(), area_m2: z.number() }),
  after: z.object({ geometry: areaGeometrySchema, area_m2: z.number() }),
  moved_area_m2: z.number(),
  report: topologyReportSchema,
});
export type RepairResult = z.infer<typeof repairResultSchema>;

export const acceptedGapSchema = z.object({ id: z.number(), report: topologyReportSchema });

// The export and import options, typed from the generated OpenAPI document: a format or CRS the
// server drops or adds fails the web build here rather than as a 400 at run time.
type ExportQuery = NonNullable<operations["getApiV1CellsCodeExport"]["parameters"]["query"]>;
export type ExportFormat = NonNullable<ExportQuery["format"]>;
export type CrsId = NonNullable<ExportQuery["crs"]>;
type GenerateBody = operations["postApiV1CellsCodeGenerate"]["requestBody"];
export type GenerateShape = NonNullable<GenerateBody>["content"]["application/json"]["shape"];

export const EXPORT_FORMATS = [
  "geojson",
  "shapefile",
  "geopackage",
] as const satisfies readonly ExportFormat[];
export const CRS_IDS = [
  "EPSG:4326",
  "EPSG:4490",
  "EPSG:3857",
  "GCJ-02",
  "BD-09",
] as const satisfies readonly CrsId[];
export const GENERATE_SHAPES = ["square", "hexagon", "h3"] as const satisfies readonly GenerateShape[];

/** Compile-time check that the lists above name every value the server accepts. */
type Exhaustive<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : never;
export const LISTS_COMPLETE: [
  Exhaustive<ExportFormat, (typeof EXPORT_FORMATS)[number]>,
  Exhaustive<CrsId, (typeof CRS_IDS)[number]>,
  Exhaustive<GenerateShape, (typeof GENERATE_SHAPES)[number]>,
] = [true, true, true];
