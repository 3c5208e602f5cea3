/**
 * What the web app shares with the server: the realtime event types, and the role → permission
 * table (plain constants, no server code), so the admin pages never keep a copy that can drift.
 */

export {
  type Permission,
  permissions,
  type Role,
  rolePermissions,
  roles,
} from "./features/auth/permissions.js";
export type * from "./realtime/events.js";
