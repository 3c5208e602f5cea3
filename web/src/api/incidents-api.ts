import type { z } from "zod";
import { ApiError } from "./errors.js";
import { CSRF_COOKIE, CSRF_HEADER, errorFromResponse, type HttpClient, readCookie } from "./http.js";
import {
  attachmentsSchema,
  categoriesSchema,
  createdIncidentSchema,
  type DailyReport,
  dailyReportSchema,
  dailyReportsSchema,
  type Incident,
  type IncidentAction,
  type IncidentCategory,
  type IncidentState,
  incidentPageSchema,
  incidentSchema,
  type MissingReports,
  missingReportsSchema,
  type Priority,
  type ReportItemInput,
  type TimelineEvent,
  timelineSchema,
} from "./incident-schemas.js";

export interface IncidentFilter {
  states?: readonly IncidentState[];
  cell?: string;
  category?: string;
  priority?: Priority;
  open?: boolean;
  overdue?: boolean;
  assignee?: "me" | number;
}

export interface TransitionRequest {
  action: IncidentAction;
  version: number;
  note?: string;
  attachments?: readonly string[];
  assigneeUserId?: number;
}

export interface NewIncident {
  category: string;
  priority: Priority;
  location: { lon: number; lat: number };
  description: string;
  attachments?: readonly string[];
}

const PAGE = 500;
/** The map shows at most this many incidents per load; older ones are reachable by filter. */
export const MAX_INCIDENTS = 5000;

function expectBody<T>(value: T | null): T {
  if (value === null) throw new ApiError("invalid_response", "The server sent no body.", 200);
  return value;
}

/** Incidents, their timelines and actions, photos and daily reports over the REST API. */
export class IncidentsApi {
  constructor(
    private readonly http: HttpClient,
    private readonly fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis),
  ) {}

  /** Every incident matching the filter, newest first, following `before_id` pages. */
  async list(filter: IncidentFilter = {}, max = MAX_INCIDENTS): Promise<Incident[]> {
    const out: Incident[] = [];
    let beforeId: number | null = null;
    do {
      const page: z.infer<typeof incidentPageSchema> = await this.http.get(
        "/api/v1/incidents",
        incidentPageSchema,
        {
          state: filter.states?.join(","),
          cell: filter.cell,
          category: filter.category,
          priority: filter.priority,
          open: filter.open === undefined ? undefined : String(filter.open),
          overdue: filter.overdue === undefined ? undefined : String(filter.overdue),
          assignee: filter.assignee,
          before_id: beforeId,
          limit: PAGE,
        },
      );
      out.push(...page.incidents);
      beforeId = page.nextBeforeId;
    } while (beforeId !== null && out.length < max);
    return out;
  }

  get(id: number): Promise<Incident> {
    return this.http.get(`/api/v1/incidents/${id}`, incidentSchema);
  }

  async timeline(id: number): Promise<TimelineEvent[]> {
    return (await this.http.get(`/api/v1/incidents/${id}/timeline`, timelineSchema)).events;
  }

  async transition(id: number, request: TransitionRequest): Promise<Incident> {
    return expectBody(await this.http.post(`/api/v1/incidents/${id}/transitions`, request, incidentSchema));
  }

  async create(incident: NewIncident): Promise<Incident> {
    return expectBody(await this.http.post("/api/v1/incidents", incident, createdIncidentSchema)).incident;
  }

  async categories(): Promise<IncidentCategory[]> {
    return (await this.http.get("/api/v1/incident-categories", categoriesSchema)).categories;
  }

  /** Uploads photos (multipart, field `file`); returns their sha256 references. */
  async uploadPhotos(files: readonly Blob[]): Promise<string[]> {
    const form = new FormData();
    for (const file of files) form.append("file", file);
    const headers: Record<string, string> = { accept: "application/json" };
    const csrf = readCookie(typeof document === "undefined" ? "" : document.cookie, CSRF_COOKIE);
    if (csrf !== null) headers[CSRF_HEADER] = csrf;
    let response: Response;
    try {
      response = await this.fetchImpl("/api/v1/incidents/attachments", {
        method: "POST",
        body: form,
        headers,
        credentials: "same-origin",
      });
    } catch (cause) {
      throw new ApiError("network_error", "Photo upload failed", 0, {}, { cause });
    }
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) throw errorFromResponse(response.status, body);
    const parsed = attachmentsSchema.safeParse(body);
    if (!parsed.success) throw new ApiError("invalid_response", parsed.error.message, response.status);
    return parsed.data.attachments.map((a) => a.sha256);
  }

  attachmentUrl(incidentId: number, sha256: string): string {
    return `/api/v1/incidents/${incidentId}/attachments/${sha256}`;
  }

  async fileReport(report: {
    cellCode: string;
    nothingToReport: boolean;
    note?: string;
    items: readonly ReportItemInput[];
  }): Promise<DailyReport> {
    return expectBody(await this.http.post("/api/v1/reports/daily", report, dailyReportSchema));
  }

  async reports(date?: string): Promise<DailyReport[]> {
    return (await this.http.get("/api/v1/reports/daily", dailyReportsSchema, { date })).reports;
  }

  missingReports(date?: string): Promise<MissingReports> {
    return this.http.get("/api/v1/reports/missing", missingReportsSchema, { date });
  }
}
