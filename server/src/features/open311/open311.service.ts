import type { Pool } from "../../db/pool.js";
import { withTransaction } from "../../db/pool.js";
import { AppError } from "../../http/errors.js";
import { authFromBearerToken } from "../auth/auth.service.js";
import type { AuthContext } from "../auth/auth-context.js";
import { createIncident } from "../incidents/incidents.service.js";
import { type CategoryRow, selectCategories } from "../incidents/incidents.sql.js";
import type { Lang } from "../ogc/ogc.collections.js";
import type { ListRequestsInput, PostRequestInput } from "./open311.schemas.js";
import { type Open311RequestRow, selectOpen311Requests } from "./open311.sql.js";

/** Categories opened by GridOps itself, never by citizens. */
const INTERNAL_CATEGORIES = new Set(["camera_fault", "hotlist_hit"]);
const DEFAULT_WINDOW_DAYS = 90;
const MAX_REQUESTS = 1000;

export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: false;
  type: "realtime";
  keywords: string;
  group: string;
}

const nameOf = (c: CategoryRow, lang: Lang) => (lang === "en" ? c.name_en : c.name);

export async function listServices(pool: Pool, lang: Lang): Promise<Open311Service[]> {
  const categories = (await selectCategories(pool)).filter((c) => c.active);
  const byCode = new Map(categories.map((c) => [c.code, c]));
  const rootOf = (c: CategoryRow): CategoryRow => {
    let current = c;
    while (current.parent_code && byCode.get(current.parent_code)) current = byCode.get(current.parent_code)!;
    return current;
  };
  return categories
    .filter((c) => !INTERNAL_CATEGORIES.has(rootOf(c).code))
    .map((c) => ({
      service_code: c.code,
      service_name: nameOf(c, lang),
      description: nameOf(c, lang),
      metadata: false as const,
      type: "realtime" as const,
      keywords: [c.name, c.name_en].join(", "),
      group: nameOf(rootOf(c), lang),
    }));
}

/** Open311 sends the API key as a parameter; it is one of our API tokens (gto_…). */
async function authFromApiKey(pool: Pool, apiKey: string): Promise<AuthContext> {
  const auth = await authFromBearerToken(pool, apiKey);
  if (!auth) throw new AppError(403, "invalid_api_key", "The api_key is invalid, expired or revoked.");
  return auth;
}

const notices: Record<Lang, string> = {
  "zh-CN": "已受理，将由网格长核实处理。",
  en: "Received; the grid leader will check and handle it.",
};

export async function submitRequest(pool: Pool, input: PostRequestInput, lang: Lang) {
  const auth = await authFromApiKey(pool, input.api_key);
  if (!auth.permissions.has("incidents:report")) {
    throw new AppError(403, "forbidden", 'This api_key lacks the permission "incidents:report".');
  }
  const service = (await listServices(pool, "en")).find((s) => s.service_code === input.service_code);
  if (!service) {
    throw new AppError(
      400,
      "unknown_service_code",
      `There is no service ${JSON.stringify(input.service_code)}; GET services.json lists them.`,
    );
  }
  const description = (input.description?.trim() || service.service_name).slice(0, 4000);
  const created = await withTransaction(pool, (db) =>
    createIncident(
      db,
      {
        category: service.service_code,
        source: "open311",
        location: { lon: input.long, lat: input.lat },
        description,
        reporter: { userId: null, actor: auth.actor },
      },
      { scope: auth.cellCodes },
    ),
  );
  return [
    { service_request_id: String(created.incident.id), service_notice: notices[lang], account_id: null },
  ];
}

const openOrClosed = (state: string) => (state === "closed" || state === "voided" ? "closed" : "open");

function requestView(r: Open311RequestRow, lang: Lang) {
  return {
    service_request_id: String(r.id),
    status: openOrClosed(r.state),
    status_notes: r.state,
    service_name: lang === "en" ? r.categoryNameEn : r.categoryName,
    service_code: r.category,
    // Citizens' words can hold personal details: only callers whose api_key covers the cell see them.
    description: r.inScope ? r.description : null,
    agency_responsible: null,
    service_notice: null,
    requested_datetime: r.reportedAt.toISOString(),
    updated_datetime: r.updatedAt.toISOString(),
    expected_datetime: r.dueAt?.toISOString() ?? null,
    address: null,
    address_id: null,
    zipcode: null,
    lat: r.lat,
    long: r.lon,
    media_url: null,
  };
}

export async function listRequests(pool: Pool, q: ListRequestsInput, lang: Lang) {
  const reader = q.api_key ? await authFromApiKey(pool, q.api_key) : null;
  const scope = reader?.permissions.has("incidents:read") ? reader.cellCodes : null;
  const end = q.end_date ?? new Date();
  const start = q.start_date ?? new Date(end.getTime() - DEFAULT_WINDOW_DAYS * 86_400_000);
  if (start > end) throw new AppError(400, "invalid_date_range", "start_date must not be after end_date.");
  const rows = await selectOpen311Requests(pool, {
    ids: q.service_request_id,
    serviceCodes: q.service_code,
    start,
    end,
    states: q.status,
    scope,
    limit: MAX_REQUESTS,
  });
  return rows.map((r) => requestView(r, lang));
}

export async function getRequest(pool: Pool, id: string, apiKey: string | undefined, lang: Lang) {
  if (!/^\d{1,15}$/.test(id))
    throw new AppError(404, "not_found", `There is no service request ${JSON.stringify(id)}.`);
  const reader = apiKey ? await authFromApiKey(pool, apiKey) : null;
  const scope = reader?.permissions.has("incidents:read") ? reader.cellCodes : null;
  const rows = await selectOpen311Requests(pool, {
    ids: [Number(id)],
    start: new Date(0),
    end: new Date(),
    scope,
    limit: 1,
  });
  if (!rows[0]) throw new AppError(404, "not_found", `There is no service request ${JSON.stringify(id)}.`);
  return [requestView(rows[0], lang)];
}
