import { z } from "zod";
import {
  anyGeometry,
  calendarDay,
  featureCollectionPage,
  geoFeature,
  multiPolygonGeometry,
  timestamp,
} from "../../http/wire.js";

// Response bodies of the cell routes as they go over the wire (OpenAPI; checked in tests).

const cellProperties = z.object({
  code: z.string(),
  name: z.string(),
  name_en: z.string().nullable(),
  level: z.string().describe("A level id of the configured code scheme (GET /api/v1/cell-scheme)"),
  parent_code: z.string().nullable().describe("Null for a district"),
  version: z.number().int(),
});

export const cellFeatureResponse = geoFeature(
  z.string().describe("The cell code"),
  multiPolygonGeometry,
  cellProperties,
);

export const cellPageResponse = featureCollectionPage(cellFeatureResponse);

/** A cell after an edit (any state), as edits answer it. */
const editedCellFeature = geoFeature(
  z.string(),
  multiPolygonGeometry,
  cellProperties.extend({
    retired: z.boolean(),
    successor_codes: z
      .array(z.string())
      .nullable()
      .describe("Codes that replaced a retired, moved or merged cell; null while none"),
    area_m2: z.number(),
  }),
);

const topologyProblem = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("invalid_geometry"),
    severity: z.literal("error"),
    code: z.string().nullable(),
    row: z.number().int().nullable().describe("The file row, for imports"),
    reason: z.string(),
    location: anyGeometry.nullable().describe("Where the geometry is invalid (a point)"),
  }),
  z.object({
    kind: z.literal("outside_parent"),
    severity: z.literal("error"),
    code: z.string(),
    parent_code: z.string(),
    area_m2: z.number(),
    max_distance_m: z.number(),
    geometry: anyGeometry,
  }),
  z.object({
    kind: z.literal("sibling_overlap"),
    severity: z.literal("error"),
    code: z.string(),
    other_code: z.string(),
    area_m2: z.number(),
    geometry: anyGeometry,
  }),
  z.object({
    kind: z.literal("coverage_gap"),
    severity: z.literal("warning"),
    parent_code: z.string(),
    area_m2: z.number(),
    geometry: anyGeometry,
  }),
  z.object({
    kind: z.literal("sliver"),
    severity: z.literal("warning"),
    code: z.string(),
    part: z.number().int(),
    area_m2: z.number(),
    geometry: anyGeometry,
  }),
]);

export const topologyReportResponse = z.object({
  ok: z.boolean().describe("Nothing blocks a write (warnings may remain)"),
  errors: z.number().int(),
  warnings: z.number().int(),
  problems: z.array(topologyProblem),
});

export const editResultResponse = z.object({
  cells: z.array(editedCellFeature).describe("The cells created or changed, current state"),
  retired: z.array(z.string()),
  report: topologyReportResponse,
  dry_run: z.boolean().describe("True when nothing was written (a preview)"),
});

export const areaEditResultResponse = editResultResponse.extend({
  area_before_m2: z.number(),
  area_after_m2: z.number(),
});

export const nextChildCodeResponse = z.object({ code: z.string(), level: z.string() });

export const acceptedGapResponse = z.object({ id: z.number().int(), report: topologyReportResponse });

export const reportOnlyResponse = z.object({ report: topologyReportResponse });

export const acceptedGapsResponse = z.object({
  type: z.literal("FeatureCollection"),
  features: z.array(
    geoFeature(
      z.number().int(),
      anyGeometry,
      z.object({
        id: z.number().int(),
        reason: z.string(),
        accepted_by: z.string().nullable().describe("Username; null when the user is gone"),
        accepted_at: timestamp,
      }),
    ),
  ),
});

export const generateResponse = z.object({
  dry_run: z.boolean(),
  count: z.number().int(),
  report: topologyReportResponse,
  cells: z.object({ type: z.literal("FeatureCollection"), features: z.array(editedCellFeature) }),
});

export const repairResponse = z.object({
  dry_run: z.boolean(),
  before: z.object({
    valid: z.boolean(),
    reason: z.string().nullable().describe("Why the stored (or given) geometry is invalid"),
    area_m2: z.number().nullable().describe("Null when the geometry before was invalid"),
  }),
  after: z.object({ geometry: multiPolygonGeometry, area_m2: z.number().nullable() }),
  moved_area_m2: z.number().nullable(),
  report: topologyReportResponse,
});

const cellVersionFields = {
  version: z.number().int(),
  name: z.string(),
  name_en: z.string().nullable(),
  level: z.string(),
  parent_code: z.string().nullable(),
  valid_from: timestamp,
  valid_to: timestamp.nullable().describe("Null for the current version"),
  geometry: multiPolygonGeometry,
};

export const cellHistoryResponse = z.object({
  code: z.string(),
  versions: z.array(z.object({ ...cellVersionFields, area_m2: z.number() })),
});

export const cellAtResponse = z.object({ code: z.string(), ...cellVersionFields });

export const cellSchemeResponse = z.object({
  levels: z.array(
    z.object({
      level: z.string(),
      depth: z.number().int(),
      prefixLength: z.number().int().describe("Characters of the code this level keeps"),
      nameZh: z.string().nullable(),
      nameEn: z.string().nullable(),
    }),
  ),
  codeLength: z.number().int(),
});

const person = z.object({
  user_id: z.number().int(),
  username: z.string(),
  display_name: z.string(),
  since: timestamp,
});

export const cellPeopleResponse = z.object({
  leader: person.nullable(),
  workers: z.array(person),
  history: z
    .array(
      z.object({
        user_id: z.number().int(),
        username: z.string(),
        display_name: z.string(),
        role: z.enum(["leader", "worker"]),
        valid_from: timestamp,
        valid_to: timestamp,
      }),
    )
    .describe("Ended assignments, newest first"),
});

export const assignableUsersResponse = z.object({
  users: z.array(z.object({ userId: z.number().int(), username: z.string(), displayName: z.string() })),
});

export const cellSummaryResponse = z.object({
  cell: z.object({
    code: z.string(),
    name: z.string(),
    name_en: z.string().nullable(),
    level: z.string(),
    parent_code: z.string().nullable(),
    version: z.number().int(),
    area_m2: z.number(),
  }),
  leader: person.nullable(),
  workers: z.array(person),
  cameras: z.object({
    total: z.number().int().describe("Cameras in the cell and below it"),
    by_status: z.record(z.string(), z.number().int()).describe("Count per camera status"),
  }),
  checkpoints: z.object({
    total: z.number().int(),
    items: z.array(z.object({ id: z.string(), name: z.string(), grade: z.string() })),
  }),
  incidents: z
    .object({
      open: z.number().int(),
      overdue: z.number().int(),
      topPriority: z.string().nullable().describe("Highest priority among the open incidents"),
    })
    .nullable()
    .describe("Open incidents in the cell and below it; null without incidents:read"),
  daily_report: z
    .object({
      latest: z
        .object({
          id: z.number().int(),
          reportDate: calendarDay,
          nothingToReport: z.boolean(),
          late: z.boolean(),
          filedBy: z.string(),
          filedAt: timestamp,
          items: z.number().int(),
        })
        .nullable()
        .describe("The newest daily report filed for this cell (grids file them); null when none"),
    })
    .nullable()
    .describe("Null without reports:read"),
});

const importRowProblem = z.object({
  row: z.number().int(),
  code: z.string(),
  error: z.string(),
  message: z.string(),
});

export const importReportResponse = z.object({
  ok: z.boolean(),
  features: z.number().int().describe("Features in the file"),
  add: z.array(z.string()),
  change: z.array(z.string()),
  retire: z.array(z.string()),
  unchanged: z.number().int(),
  rows: z.array(importRowProblem).describe("Problems with single rows; nothing is written while any exist"),
  topology: topologyReportResponse.nullable(),
});

export const importStartedResponse = z.object({ id: z.number().int(), status: z.literal("parsing") });

export const importStatusResponse = z.object({
  id: z.number().int(),
  status: z
    .enum(["parsing", "checking", "ready", "rejected", "applied", "failed"])
    .describe("ready: the dry run passed and apply may run; a dry run cut off for an hour reads failed"),
  file_name: z.string(),
  format: z.string().nullable(),
  crs: z.string().nullable(),
  root_code: z.string().nullable(),
  progress: z
    .union([
      z.object({
        phase: z.enum(["unpacking", "reading", "checking", "done"]),
        done: z.number().int(),
        total: z.number().int().nullable(),
      }),
      z.object({}).strict(),
    ])
    .describe("Progress of the dry run; {} before the first report"),
  error: z
    .object({
      code: z.string(),
      message: z.string(),
      row: z.number().int().nullable().optional(),
      cell_code: z.string().nullable().optional(),
    })
    .nullable()
    .describe("Why the file was rejected (row and cell_code for file errors) or the import failed"),
  report: importReportResponse.nullable(),
  created_at: timestamp,
  applied_at: timestamp.nullable(),
});
