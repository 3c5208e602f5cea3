import { z } from "zod";
import type { AppDeps } from "../../app-deps.js";
import type { RouteRegistry } from "../../http/route.js";
import { auditPageResponse } from "./audit.responses.js";
import { auditSource, recordAudit } from "./audit.service.js";
import { type AuditRow, selectAuditRows } from "./audit.sql.js";

const auditQuery = z.strictObject({
  actor: z.string().max(200).optional(),
  action: z
    .string()
    .regex(/^[a-z_.]{1,100}$/, "letters, dots and underscores")
    .optional(),
  target_type: z
    .string()
    .regex(/^[a-z_]{1,50}$/)
    .optional(),
  target_id: z.string().max(200).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  before_id: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

const filterOf = (q: z.infer<typeof auditQuery>, limit: number) => ({
  actor: q.actor,
  action: q.action,
  targetType: q.target_type,
  targetId: q.target_id,
  from: q.from,
  to: q.to,
  afterId: q.before_id,
  limit,
});

const CSV_COLUMNS = [
  "id",
  "occurred_at",
  "actor",
  "action",
  "target_type",
  "target_id",
  "cell_code",
  "request_id",
  "ip",
  "details",
  "hash",
] as const;

function csvCell(value: unknown): string {
  const text =
    value instanceof Date
      ? value.toISOString()
      : typeof value === "object" && value !== null
        ? JSON.stringify(value)
        : String(value ?? "");
  // Leading = + - @ would be run as a formula by spreadsheet programs.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export const auditCsv = (rows: AuditRow[]) =>
  [CSV_COLUMNS.join(","), ...rows.map((r) => CSV_COLUMNS.map((c) => csvCell(r[c])).join(","))].join("\r\n");

export function registerAuditRoutes(routes: RouteRegistry, deps: AppDeps): void {
  const policy = { access: "permission", permission: "audit:read", scope: "global" } as const;
  routes.add({
    method: "get",
    path: "/api/v1/audit",
    summary: "Audit log, newest first, with filters; page with before_id",
    tags: ["audit"],
    policy,
    query: auditQuery,
    response: auditPageResponse,
    handler: async ({ query }) => {
      const rows = await selectAuditRows(deps.pool, filterOf(query, query.limit));
      return {
        entries: rows,
        next_before_id: rows.length === query.limit ? (rows.at(-1)?.id ?? null) : null,
      };
    },
  });
  routes.add({
    method: "get",
    path: "/api/v1/audit/export.csv",
    summary: "Audit log as CSV (the export itself is audited)",
    tags: ["audit"],
    policy,
    query: auditQuery.extend({ limit: z.coerce.number().int().min(1).max(100_000).default(10_000) }),
    handler: async ({ req, res, query }) => {
      const rows = await selectAuditRows(deps.pool, filterOf(query, query.limit));
      await recordAudit(deps.pool, {
        ...auditSource(req),
        action: "audit.export",
        details: { filter: { ...query }, rows: rows.length },
      });
      res
        .type("text/csv; charset=utf-8")
        .attachment("gridops-audit.csv")
        .send(`\ufeff${auditCsv(rows)}`);
    },
  });
}
