import type { IncidentSummary } from "@gridops/server/api-types";
import type { Incident, IncidentAction, IncidentState } from "../api/incident-schemas.js";
import { INCIDENT_STATES } from "../api/incident-schemas.js";

/**
 * One incident as the map and the queues hold it: the fields both the REST list and the
 * realtime summary carry. Details (timeline, actions) are fetched when one is opened.
 */
export interface IncidentItem {
  id: number;
  reference: string;
  cellCode: string;
  category: string;
  priority: string;
  state: IncidentState;
  title: string;
  lon: number | null;
  lat: number | null;
  dueAt: string | null;
  overdue: boolean;
  updatedAt: string;
  reportedAt: string | null;
  closedAt: string | null;
  overdueAt: string | null;
  version: number | null;
  allowedActions: readonly IncidentAction[] | null;
}

const isState = (value: string): value is IncidentState =>
  (INCIDENT_STATES as readonly string[]).includes(value);

export function itemFromIncident(incident: Incident): IncidentItem {
  return {
    id: incident.id,
    reference: incident.reference,
    cellCode: incident.cellCode,
    category: incident.category,
    priority: incident.priority,
    state: incident.state,
    title: incident.title,
    lon: incident.location.lon,
    lat: incident.location.lat,
    dueAt: incident.deadline?.dueAt ?? null,
    overdue: incident.deadline?.overdueAt != null,
    updatedAt: incident.updatedAt,
    reportedAt: incident.reportedAt,
    closedAt: incident.closedAt,
    overdueAt: incident.deadline?.overdueAt ?? null,
    version: incident.version,
    allowedActions: incident.allowedActions,
  };
}

/**
 * Folds a realtime summary into what we knew. Allowed actions depend on the viewer's role and
 * are not in the summary: they are dropped when the state moved (they would be stale).
 */
export function itemFromSummary(summary: IncidentSummary, previous?: IncidentItem): IncidentItem {
  const state: IncidentState = isState(summary.state) ? summary.state : "reported";
  const stateMoved = previous !== undefined && previous.state !== state;
  return {
    id: summary.id,
    reference: summary.reference ?? previous?.reference ?? `#${summary.id}`,
    cellCode: summary.cellCode,
    category: summary.category,
    priority: summary.priority,
    state,
    title: summary.title,
    lon: summary.location?.lon ?? null,
    lat: summary.location?.lat ?? null,
    dueAt: summary.dueAt,
    overdue: summary.overdue,
    updatedAt: summary.updatedAt,
    reportedAt: summary.reportedAt,
    closedAt: summary.closedAt,
    overdueAt: summary.overdueAt,
    version: summary.version,
    allowedActions: stateMoved ? null : (previous?.allowedActions ?? null),
  };
}

export const isOpen = (item: Pick<IncidentItem, "state">): boolean =>
  item.state !== "closed" && item.state !== "voided";

export const isHighPriority = (priority: string): boolean => priority === "high" || priority === "urgent";
