import type { z } from "zod";
import type { ApiPath } from "../../api/api-paths.js";
import { ApiError } from "../../api/errors.js";
import type { operations } from "../../api/generated/openapi.js";
import {
  buildUrl,
  CSRF_COOKIE,
  CSRF_HEADER,
  errorFromResponse,
  type QueryValue,
  readCookie,
} from "../../api/http.js";
import {
  type AssignableUser,
  acceptedGapSchema,
  assignableSchema,
  type CellAt,
  type CellImport,
  type CellSummary,
  type CellVersion,
  type CrsId,
  cellAtSchema,
  cellHistorySchema,
  cellImportSchema,
  cellSummarySchema,
  type ExportFormat,
  type GenerateResult,
  generateResultSchema,
  importReportSchema,
  importStartSchema,
  type People,
  peopleSchema,
  type RepairResult,
  repairResultSchema,
  type ShapeEditResult,
  shapeEditResultSchema,
} from "./cell-admin-schemas.js";
import type { AreaGeometry, TopologyReport } from "./cell-edit-api.js";

type Method = "GET" | "POST" | "PUT" | "DELETE";

/** The JSON body an operation takes, from the generated OpenAPI types (a renamed field fails the build). */
type JsonBody<K extends keyof operations> = operations[K] extends {
  requestBody: { content: { "application/json": infer B } };
}
  ? B
  : operations[K] extends { requestBody?: { content: { "application/json": infer B } } }
    ? B
    : never;

export type SplitBody = JsonBody<"postApiV1CellsCodeSplit">;
export type MergeBody = JsonBody<"postApiV1CellsCodeMerge">;
export type MoveBody = JsonBody<"postApiV1CellsCodeMove">;
export type GenerateBody = JsonBody<"postApiV1CellsCodeGenerate">;
export type RepairBody = JsonBody<"postApiV1CellsCodeRepair">;

interface RequestOptions {
  query?: Readonly<Record<string, QueryValue>>;
  json?: unknown;
  /** A file sent as it is (cell import); the server sniffs the format from the bytes. */
  raw?: Blob;
}

const enc = encodeURIComponent;

/**
 * The cell administration routes the editor uses beyond create/redraw (see cell-edit-api.ts):
 * split, merge, retire, move, generate, repair, accepted gaps, history, people, import and
 * export. One request helper with every method these need (PUT and raw uploads are not in the
 * shared clients), with the same cookie, CSRF double submit and error envelope rules.
 */
export class CellAdminApi {
  constructor(
    private readonly fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis),
    private readonly cookies: () => string = () => (typeof document === "undefined" ? "" : document.cookie),
  ) {}

  split(code: string, body: SplitBody): Promise<ShapeEditResult> {
    return this.#call("POST", `/api/v1/cells/${enc(code)}/split`, shapeEditResultSchema, { json: body });
  }

  merge(code: string, body: MergeBody): Promise<ShapeEditResult> {
    return this.#call("POST", `/api/v1/cells/${enc(code)}/merge`, shapeEditResultSchema, { json: body });
  }

  retire(code: string, reason: string): Promise<ShapeEditResult> {
    return this.#call("POST", `/api/v1/cells/${enc(code)}/retire`, shapeEditResultSchema, {
      json: { reason } satisfies JsonBody<"postApiV1CellsCodeRetire">,
    });
  }

  move(code: string, body: MoveBody): Promise<ShapeEditResult> {
    return this.#call("POST", `/api/v1/cells/${enc(code)}/move`, shapeEditResultSchema, { json: body });
  }

  generate(code: string, body: GenerateBody): Promise<GenerateResult> {
    return this.#call("POST", `/api/v1/cells/${enc(code)}/generate`, generateResultSchema, { json: body });
  }

  repair(code: string, body: RepairBody): Promise<RepairResult> {
    return this.#call("POST", `/api/v1/cells/${enc(code)}/repair`, repairResultSchema, { json: body });
  }

  acceptGap(parentCode: string, geometry: AreaGeometry, reason: string): Promise<{ report: TopologyReport }> {
    return this.#call("POST", `/api/v1/cells/${enc(parentCode)}/accepted-gaps`, acceptedGapSchema, {
      // GeoJSON's Position (number[]) is wider than the generated [lon, lat] tuple; the server validates.
      json: { geometry, reason },
    });
  }

  async history(code: string): Promise<CellVersion[]> {
    return (await this.#call("GET", `/api/v1/cells/${enc(code)}/history`, cellHistorySchema)).versions;
  }

  cellAt(code: string, atIso: string): Promise<CellAt> {
    return this.#call("GET", "/api/v1/cell-at", cellAtSchema, { query: { code, at: atIso } });
  }

  summary(code: string): Promise<CellSummary> {
    return this.#call("GET", `/api/v1/cells/${enc(code)}/summary`, cellSummarySchema);
  }

  people(code: string): Promise<People> {
    return this.#call("GET", `/api/v1/cells/${enc(code)}/people`, peopleSchema);
  }

  async assignable(code: string, role: "leader" | "worker"): Promise<AssignableUser[]> {
    return (
      await this.#call("GET", `/api/v1/cells/${enc(code)}/assignable-people`, assignableSchema, {
        query: { role },
      })
    ).users;
  }

  setLeader(code: string, userId: number): Promise<People> {
    return this.#call("PUT", `/api/v1/cells/${enc(code)}/leader`, peopleSchema, {
      json: { user_id: userId } satisfies JsonBody<"putApiV1CellsCodeLeader">,
    });
  }

  addWorker(code: string, userId: number): Promise<People> {
    return this.#call("POST", `/api/v1/cells/${enc(code)}/workers`, peopleSchema, {
      json: { user_id: userId } satisfies JsonBody<"postApiV1CellsCodeWorkers">,
    });
  }

  removeWorker(code: string, userId: number): Promise<People> {
    return this.#call("DELETE", `/api/v1/cells/${enc(code)}/workers/${userId}`, peopleSchema);
  }

  /** Uploads a file for a dry run under `root`; poll `importStatus` for the report. */
  startImport(root: string, file: Blob, fileName: string, crs: CrsId | null): Promise<{ id: number }> {
    return this.#call("POST", "/api/v1/cell-imports", importStartSchema, {
      query: { root, file_name: fileName.slice(0, 200), crs },
      raw: file,
    });
  }

  importStatus(id: number): Promise<CellImport> {
    return this.#call("GET", `/api/v1/cell-imports/${id}`, cellImportSchema);
  }

  applyImport(id: number) {
    return this.#call("POST", `/api/v1/cell-imports/${id}/apply`, importReportSchema, { json: {} });
  }

  /** A link the browser downloads itself (same origin, so the session cookie goes along). */
  exportUrl(code: string, format: ExportFormat, crs: CrsId): string {
    const path: ApiPath = `/api/v1/cells/${enc(code)}/export`;
    return buildUrl("", path, { format, crs });
  }

  async #call<S extends z.ZodType>(
    method: Method,
    path: ApiPath,
    schema: S,
    options: RequestOptions = {},
  ): Promise<z.infer<S>> {
    const headers: Record<string, string> = { accept: "application/json" };
    const init: RequestInit = { method, headers, credentials: "same-origin" };
    if (method !== "GET") {
      const csrf = readCookie(this.cookies(), CSRF_COOKIE);
      if (csrf !== null) headers[CSRF_HEADER] = csrf;
    }
    if (options.raw !== undefined) {
      headers["content-type"] = "application/octet-stream";
      init.body = options.raw;
    } else if (options.json !== undefined) {
      headers["content-type"] = "application/json";
      init.body = JSON.stringify(options.json);
    }
    const url = buildUrl("", path, options.query);
    let response: Response;
    try {
      response = await this.fetchImpl(url, init);
    } catch (cause) {
      throw new ApiError("network_error", `Request to ${path} failed`, 0, {}, { cause });
    }
    const text = await response.text();
    const body = parseJson(text);
    if (!response.ok) throw errorFromResponse(response.status, body);
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new ApiError(
        "invalid_response",
        `Unexpected response from ${path}: ${parsed.error.message}`,
        200,
      );
    }
    return parsed.data;
  }
}

function parseJson(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
