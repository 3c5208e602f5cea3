import type { Role } from "../../api/admin-api.js";

/**
 * Who may do what, as the server decides it in server/src/features/auth/permissions.ts. The
 * server has no endpoint for this table yet, so the web keeps this copy for the roles page and
 * the token form; web/e2e/admin.test.ts fails when it drifts from the server's table.
 */
export const PERMISSIONS = [
  "cells:read",
  "cells:edit",
  "checkpoints:read",
  "checkpoints:edit",
  "cameras:read",
  "cameras:edit",
  "cameras:credentials",
  "health:read",
  "health:maintain",
  "tickets:read",
  "tickets:edit",
  "plates:counts",
  "plates:search",
  "plates:export",
  "plates:ingest",
  "hotlists:read",
  "hotlists:manage",
  "hits:read",
  "hits:review",
  "incidents:read",
  "incidents:report",
  "incidents:register",
  "incidents:dispatch",
  "incidents:handle",
  "incidents:verify",
  "reports:read",
  "reports:file",
  "stats:read",
  "users:manage",
  "tokens:manage",
  "audit:read",
  "config:manage",
  "deadletters:read",
  "deadletters:replay",
  "metrics:read",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const mapRead: Permission[] = ["cells:read", "checkpoints:read", "cameras:read"];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS.filter((p) => p !== "plates:search" && p !== "plates:export"),
  commander: [
    ...mapRead,
    "health:read",
    "tickets:read",
    "plates:counts",
    "hotlists:read",
    "hits:read",
    "hits:review",
    "incidents:read",
    "incidents:report",
    "incidents:register",
    "incidents:dispatch",
    "incidents:verify",
    "reports:read",
    "stats:read",
  ],
  operator: [
    ...mapRead,
    "health:read",
    "plates:counts",
    "hits:read",
    "hits:review",
    "incidents:read",
    "incidents:report",
    "incidents:register",
    "incidents:dispatch",
    "reports:read",
    "stats:read",
  ],
  grid_leader: [
    ...mapRead,
    "cells:edit",
    "plates:counts",
    "incidents:read",
    "incidents:report",
    "incidents:handle",
    "reports:read",
    "reports:file",
    "stats:read",
  ],
  grid_worker: [...mapRead, "incidents:read", "incidents:report", "incidents:handle"],
  technician: [
    ...mapRead,
    // Vehicle counts per lane show whether a checkpoint camera works; never plates.
    "plates:counts",
    "cameras:edit",
    "cameras:credentials",
    "health:read",
    "health:maintain",
    "tickets:read",
    "tickets:edit",
  ],
  plate_analyst: [
    ...mapRead,
    "plates:counts",
    "plates:search",
    "plates:export",
    "hotlists:read",
    "hotlists:manage",
    "hits:read",
    "hits:review",
  ],
  viewer: [...mapRead, "incidents:read", "stats:read"],
  integrator: ["plates:ingest", "incidents:report", "incidents:read", ...mapRead],
};

/** Permissions that expose plate data (shown highlighted: sensitive personal data). */
export const PLATE_DATA_PERMISSIONS: ReadonlySet<Permission> = new Set([
  "plates:search",
  "plates:export",
  "hotlists:read",
  "hotlists:manage",
  "hits:read",
  "hits:review",
]);
