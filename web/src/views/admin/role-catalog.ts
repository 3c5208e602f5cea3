import { rolePermissions, permissions as serverPermissions } from "@gridops/server/api-types";
import type { Role } from "../../api/admin-api.js";

/** Who may do what, exactly as the server decides it (server/src/features/auth/permissions.ts). */
export const PERMISSIONS = serverPermissions;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = rolePermissions;

/** Permissions that expose plate data (shown highlighted: sensitive personal data). */
export const PLATE_DATA_PERMISSIONS: ReadonlySet<Permission> = new Set([
  "plates:search",
  "plates:export",
  "hotlists:read",
  "hotlists:manage",
  "hits:read",
  "hits:review",
]);
