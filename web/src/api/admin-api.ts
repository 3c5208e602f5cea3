import { roles } from "@gridops/server/api-types";
import { z } from "zod";
import type { HttpClientOptions } from "./http.js";
import { JsonRequester, type Query } from "./json-request.js";

/** Roles the server knows (server/src/features/auth/permissions.ts); unknown ones still parse. */
export const ROLES = roles;
export type Role = (typeof ROLES)[number];

const isoTime = z.string().min(1);

export const userRecordSchema = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  disabled: z.boolean(),
  roles: z.array(z.string()),
  cellCodes: z.array(z.string()),
});
export type UserRecord = z.infer<typeof userRecordSchema>;

export const tokenRecordSchema = z.object({
  id: z.number(),
  name: z.string(),
  permissions: z.array(z.string()),
  cellCodes: z.array(z.string()),
  cameraIds: z.array(z.string()).nullable(),
  createdAt: isoTime,
  expiresAt: isoTime.nullable(),
  lastUsedAt: isoTime.nullable(),
  revokedAt: isoTime.nullable(),
});
export type TokenRecord = z.infer<typeof tokenRecordSchema>;

export const auditEntrySchema = z.object({
  id: z.number(),
  occurred_at: isoTime,
  actor: z.string(),
  action: z.string(),
  target_type: z.string().nullable(),
  target_id: z.string().nullable(),
  cell_code: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

const auditPageSchema = z.object({
  entries: z.array(auditEntrySchema),
  next_before_id: z.number().nullable(),
});
export type AuditPage = z.infer<typeof auditPageSchema>;

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  roles: string[];
  cellCodes: string[];
}

export interface UserChange {
  displayName?: string;
  disabled?: boolean;
  password?: string;
  roles?: string[];
  cellCodes?: string[];
}

export interface NewToken {
  name: string;
  permissions: string[];
  cellCodes: string[];
  /** null: every camera in the cells. */
  cameraIds: string[] | null;
  /** ISO 8601, or null for no expiry. */
  expiresAt: string | null;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  target_type?: string;
  target_id?: string;
  /** ISO 8601. */
  from?: string;
  to?: string;
}

const createdTokenSchema = z.object({ id: z.number(), token: z.string().min(1) });

function auditQuery(filter: AuditFilter): Query {
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(filter)) {
    const trimmed = typeof value === "string" ? value.trim() : "";
    if (trimmed !== "") query[key] = trimmed;
  }
  return query;
}

/** Users, API tokens and the audit log (permissions users:manage, tokens:manage, audit:read). */
export class AdminApi {
  readonly #http: JsonRequester;

  constructor(options: HttpClientOptions = {}) {
    this.#http = new JsonRequester(options);
  }

  async users(): Promise<UserRecord[]> {
    return (await this.#http.get("/api/v1/users", z.object({ users: z.array(userRecordSchema) }))).users;
  }

  createUser(user: NewUser): Promise<UserRecord> {
    return this.#http.post("/api/v1/users", user, userRecordSchema);
  }

  updateUser(id: number, change: UserChange): Promise<UserRecord> {
    return this.#http.patch(`/api/v1/users/${id}`, change, userRecordSchema);
  }

  async tokens(): Promise<TokenRecord[]> {
    return (await this.#http.get("/api/v1/tokens", z.object({ tokens: z.array(tokenRecordSchema) }))).tokens;
  }

  /** The response carries the token's secret: the only time anyone sees it. */
  createToken(token: NewToken): Promise<{ id: number; token: string }> {
    return this.#http.post("/api/v1/tokens", token, createdTokenSchema);
  }

  revokeToken(id: number): Promise<void> {
    return this.#http.send("DELETE", `/api/v1/tokens/${id}`);
  }

  audit(filter: AuditFilter, beforeId: number | null, limit = 50): Promise<AuditPage> {
    return this.#http.get("/api/v1/audit", auditPageSchema, {
      ...auditQuery(filter),
      before_id: beforeId,
      limit,
    });
  }

  auditCsvUrl(filter: AuditFilter): string {
    return this.#http.url("/api/v1/audit/export.csv", auditQuery(filter));
  }
}
