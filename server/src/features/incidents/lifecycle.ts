import type { Permission } from "../auth/permissions.js";

/** Lifecycle states (GLOSSARY): 上报 立案 派遣 处置 反馈 核查 结案; 退回 挂账 作废. */
export const incidentStates = [
  "reported",
  "registered",
  "dispatched",
  "in_progress",
  "fed_back",
  "verified",
  "closed",
  "returned",
  "suspended",
  "voided",
] as const;
export type IncidentState = (typeof incidentStates)[number];

export const incidentActions = [
  "register",
  "dispatch",
  "accept",
  "feed_back",
  "verify",
  "reject",
  "close",
  "return",
  "suspend",
  "resume",
  "void",
] as const;
export type IncidentAction = (typeof incidentActions)[number];

/** Stages that carry a time limit, and the states in which each one runs. */
export const stages = ["register", "dispatch", "resolve", "verify"] as const;
export type Stage = (typeof stages)[number];

const stageOfState: Partial<Record<IncidentState, Stage>> = {
  reported: "register",
  registered: "dispatch",
  returned: "dispatch",
  dispatched: "resolve",
  in_progress: "resolve",
  fed_back: "verify",
};

export const stageOf = (state: IncidentState): Stage | null => stageOfState[state] ?? null;

export interface Transition {
  from: IncidentState;
  action: IncidentAction;
  /** "previous" = the state the incident had before it was suspended. */
  to: IncidentState | "previous";
  permission: Permission;
  /** A reason is required (returns, rejections, suspensions, voiding). */
  noteRequired: boolean;
}

const t = (
  from: IncidentState,
  action: IncidentAction,
  to: IncidentState | "previous",
  permission: Permission,
  noteRequired = false,
): Transition => ({ from, action, to, permission, noteRequired });

/**
 * THE lifecycle: every allowed (state, action) pair, its next state and the permission it
 * needs (permissions.ts maps roles to permissions). Anything not listed is refused with 409.
 */
export const transitions: readonly Transition[] = [
  t("reported", "register", "registered", "incidents:register"),
  t("reported", "void", "voided", "incidents:register", true),
  t("registered", "dispatch", "dispatched", "incidents:dispatch"),
  t("registered", "suspend", "suspended", "incidents:dispatch", true),
  t("registered", "void", "voided", "incidents:register", true),
  t("dispatched", "accept", "in_progress", "incidents:handle"),
  t("dispatched", "return", "returned", "incidents:handle", true),
  t("dispatched", "suspend", "suspended", "incidents:dispatch", true),
  t("in_progress", "feed_back", "fed_back", "incidents:handle"),
  t("in_progress", "return", "returned", "incidents:handle", true),
  t("in_progress", "suspend", "suspended", "incidents:dispatch", true),
  t("returned", "dispatch", "dispatched", "incidents:dispatch"),
  t("returned", "void", "voided", "incidents:register", true),
  t("fed_back", "verify", "verified", "incidents:verify"),
  t("fed_back", "reject", "in_progress", "incidents:verify", true),
  t("verified", "close", "closed", "incidents:verify"),
  t("suspended", "resume", "previous", "incidents:dispatch"),
];

export const terminalStates: readonly IncidentState[] = ["closed", "voided"];

export function findTransition(from: IncidentState, action: IncidentAction): Transition | null {
  return transitions.find((x) => x.from === from && x.action === action) ?? null;
}

/** Actions the lifecycle allows from a state (whoever may take them). */
export function actionsFrom(from: IncidentState): IncidentAction[] {
  return transitions.filter((x) => x.from === from).map((x) => x.action);
}

/** Actions from a state that a holder of these permissions may take. */
export function actionsFor(from: IncidentState, permissions: ReadonlySet<Permission>): IncidentAction[] {
  return transitions.filter((x) => x.from === from && permissions.has(x.permission)).map((x) => x.action);
}
