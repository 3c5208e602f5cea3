/**
 * What the web app shares with the server: the realtime event types, the role → permission table
 * and the incident lifecycle names (plain constants, no server code), so the web never keeps a
 * copy that can drift.
 */

export {
  type Permission,
  permissions,
  type Role,
  rolePermissions,
  roles,
} from "./features/auth/permissions.js";
export {
  type IncidentAction,
  type IncidentState,
  incidentActions,
  incidentStates,
} from "./features/incidents/lifecycle.js";
export type * from "./realtime/events.js";
