import { z } from "zod";
import { ApiError } from "../../api/errors.js";
import { CSRF_COOKIE, CSRF_HEADER, errorFromResponse, type HttpClient, readCookie } from "../../api/http.js";

// Shapes of the cell-editing routes (server/src/features/cells/cell-edit.routes.ts).

const geometry = z.unknown();
export const topologyProblemSchema = z.object({
  kind: z.enum(["invalid_geometry", "outside_parent", "sibling_overlap", "coverage_gap", "sliver"]),
  severity: z.enum(["error", "warning"]),
  code: z.string().nullish(),
  other_code: z.string().nullish(),
  parent_code: z.string().nullish(),
  area_m2: z.number().nullish(),
  reason: z.string().nullish(),
  geometry: geometry.optional(),
  location: geometry.optional(),
});
export type TopologyProblem = z.infer<typeof topologyProblemSchema>;

export const topologyReportSchema = z.object({
  ok: z.boolean(),
  errors: z.number(),
  warnings: z.number(),
  problems: z.array(topologyProblemSchema),
});
export type TopologyReport = z.infer<typeof topologyReportSchema>;

export const editResultSchema = z.object({
  cells: z.array(z.unknown()),
  retired: z.array(z.string()),
  report: topologyReportSchema,
});
export type EditResult = z.infer<typeof editResultSchema>;

export type AreaGeometry = GeoJSON.Polygon | GeoJSON.MultiPolygon;

/** The server refused an edit because of the topology: its report says where. */
export class TopologyRefused extends Error {
  readonly code = "topology_violation";
  constructor(
    readonly report: TopologyReport,
    message: string,
  ) {
    super(message);
    this.name = "TopologyRefused";
  }
}

/** A 422 with a topology report becomes TopologyRefused; anything else stays an ApiError. */
export function asTopologyRefusal(error: unknown): TopologyRefused | null {
  if (!(error instanceof ApiError) || error.status !== 422) return null;
  const report = topologyReportSchema.safeParse(error.details.report);
  return report.success ? new TopologyRefused(report.data, error.message) : null;
}

export class CellEditApi {
  constructor(
    private readonly http: HttpClient,
    private readonly fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis),
  ) {}

  check(code: string): Promise<TopologyReport> {
    return this.http.get(`/api/v1/cells/${encodeURIComponent(code)}/check`, topologyReportSchema);
  }

  /** With `dryRun` the server checks everything and answers with the report, writing nothing. */
  async createChild(
    parent: string,
    body: { name: string; geometry: AreaGeometry },
    dryRun = false,
  ): Promise<EditResult> {
    const result = await this.http.post(
      `/api/v1/cells/${encodeURIComponent(parent)}/children`,
      { ...body, dry_run: dryRun },
      editResultSchema,
    );
    if (result === null) throw new ApiError("invalid_response", "No body", 201);
    return result;
  }

  /** PATCH is not in HttpClient; same cookie, CSRF and error rules. */
  async updateGeometry(code: string, geometryValue: AreaGeometry, dryRun = false): Promise<EditResult> {
    const headers: Record<string, string> = {
      accept: "application/json",
      "content-type": "application/json",
    };
    const csrf = readCookie(typeof document === "undefined" ? "" : document.cookie, CSRF_COOKIE);
    if (csrf !== null) headers[CSRF_HEADER] = csrf;
    let response: Response;
    try {
      response = await this.fetchImpl(`/api/v1/cells/${encodeURIComponent(code)}`, {
        method: "PATCH",
        headers,
        credentials: "same-origin",
        body: JSON.stringify({ geometry: geometryValue, dry_run: dryRun }),
      });
    } catch (cause) {
      throw new ApiError("network_error", "Saving the cell failed", 0, {}, { cause });
    }
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) throw errorFromResponse(response.status, body);
    const parsed = editResultSchema.safeParse(body);
    if (!parsed.success) throw new ApiError("invalid_response", parsed.error.message, response.status);
    return parsed.data;
  }
}
