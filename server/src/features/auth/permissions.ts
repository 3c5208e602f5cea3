/**
 * Roles and the permissions they grant: the one place that decides who may do what.
 * A user's cell assignments then limit *where* (the cells and everything below them).
 */
export const permissions = [
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

export type Permission = (typeof permissions)[number];

export const roles = [
  "admin",
  "commander",
  "operator",
  "grid_leader",
  "grid_worker",
  "technician",
  "plate_analyst",
  "viewer",
  "integrator",
] as const;

export type Role = (typeof roles)[number];

const mapRead: Permission[] = ["cells:read", "checkpoints:read", "cameras:read"];

export const rolePermissions: Record<Role, readonly Permission[]> = {
  admin: permissions.filter((p) => !p.startsWith("plates:search") && p !== "plates:export"),
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
    // Rename their own grid; shape changes need the parent in scope (cells/cell-edits.service.ts).
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

export function permissionsOf(userRoles: readonly Role[]): Set<Permission> {
  return new Set(userRoles.flatMap((role) => rolePermissions[role]));
}
