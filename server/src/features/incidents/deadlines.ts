import { z } from "zod";
import type { Queryable } from "../../db/pool.js";
import type { Clock } from "../../jobs/clock.js";
import { cancelJobs, scheduleJobs } from "../../jobs/job-queue.js";
import { loadWorkCalendar } from "../calendar/calendar.service.js";
import { addWorkingMinutes, workingMinutesBetween } from "../calendar/working-time.js";
import * as sql from "./deadlines.sql.js";
import { publishIncidentUpdated } from "./incident-events.js";
import { insertIncidentEvent, selectCellLeaders, selectParentCell } from "./incidents.sql.js";
import { type IncidentState, type Stage, stageOf } from "./lifecycle.js";

export const DEADLINE_TASK = "incidents.deadline";
/** Share of the limit after which a warning goes out. */
export const WARN_SHARE = 0.8;
export const SYSTEM_ACTOR = "system:time-limit";

const jobKey = (deadlineId: number, kind: "warn" | "due") => `incident-deadline:${deadlineId}:${kind}`;

function timerJobs(deadlineId: number, warnAt: Date | null, dueAt: Date | null) {
  return [
    ...(warnAt
      ? [
          {
            task: DEADLINE_TASK,
            payload: { deadlineId, kind: "warn" },
            runAt: warnAt,
            jobKey: jobKey(deadlineId, "warn"),
          },
        ]
      : []),
    ...(dueAt
      ? [
          {
            task: DEADLINE_TASK,
            payload: { deadlineId, kind: "due" },
            runAt: dueAt,
            jobKey: jobKey(deadlineId, "due"),
          },
        ]
      : []),
  ];
}

interface StageSubject {
  id: number;
  category: string;
  priority: string;
}

/** Starts the time limit of a stage, if one is configured, and schedules its warning and due jobs. */
export async function startStage(
  db: Queryable,
  incident: StageSubject,
  stage: Stage,
  now: Date,
): Promise<void> {
  const limit = await sql.selectTimeLimit(db, incident.category, incident.priority, stage);
  if (limit === null) return;
  const { code, calendar } = await loadWorkCalendar(db);
  const warnAt = addWorkingMinutes(calendar, now, limit * WARN_SHARE);
  const dueAt = addWorkingMinutes(calendar, now, limit);
  const row = await sql.insertDeadline(db, {
    incidentId: incident.id,
    stage,
    calendarCode: code,
    limitMinutes: limit,
    now,
    warnAt,
    dueAt,
  });
  await scheduleJobs(db, timerJobs(row.id, warnAt, dueAt));
}

async function finishOpen(db: Queryable, incidentId: number, now: Date): Promise<void> {
  const open = await sql.selectOpenDeadline(db, incidentId);
  if (!open) return;
  await sql.finishDeadline(db, open.id, now);
  await cancelJobs(db, [jobKey(open.id, "warn"), jobKey(open.id, "due")]);
}

/** Suspension stops the clock: the working time used so far is kept, the timers removed. */
async function pauseOpen(db: Queryable, incidentId: number, now: Date): Promise<void> {
  const open = await sql.selectOpenDeadline(db, incidentId);
  if (!open?.running_since) return;
  const { calendar } = await loadWorkCalendar(db, open.calendar_code);
  const used = open.used_minutes + workingMinutesBetween(calendar, open.running_since, now);
  await sql.pauseDeadline(db, open.id, used);
  await cancelJobs(db, [jobKey(open.id, "warn"), jobKey(open.id, "due")]);
}

/** Resuming restarts the clock with the remaining time; warnings already sent are not repeated. */
async function resumeOpen(db: Queryable, incidentId: number, now: Date): Promise<void> {
  const open = await sql.selectOpenDeadline(db, incidentId);
  if (!open || open.running_since) return;
  const { calendar } = await loadWorkCalendar(db, open.calendar_code);
  const at = (share: number) =>
    addWorkingMinutes(calendar, now, Math.max(0, open.limit_minutes * share - open.used_minutes));
  const warnAt = open.warned_at ? null : at(WARN_SHARE);
  const dueAt = open.overdue_at ? null : at(1);
  await sql.resumeDeadline(db, open.id, now, warnAt, dueAt);
  await scheduleJobs(db, timerJobs(open.id, warnAt, dueAt));
}

/** Moves the time limits along with a state change (call in the transition's transaction). */
export async function applyStageChange(
  db: Queryable,
  incident: StageSubject,
  from: IncidentState | null,
  to: IncidentState,
  now: Date,
): Promise<void> {
  if (to === "suspended") return pauseOpen(db, incident.id, now);
  if (from === "suspended") return resumeOpen(db, incident.id, now);
  const before = from ? stageOf(from) : null;
  const after = stageOf(to);
  if (before !== null && before === after) return;
  await finishOpen(db, incident.id, now);
  if (after) await startStage(db, incident, after, now);
}

export const deadlineJobPayload = z.object({
  deadlineId: z.number().int().positive(),
  kind: z.enum(["warn", "due"]),
});
export type DeadlineJobPayload = z.infer<typeof deadlineJobPayload>;

export type DeadlineOutcome = "warned" | "escalated" | "not_yet" | "stale";

/**
 * Runs when a warning or due job fires. The deadline row decides, not the job: a job for a
 * finished, paused or already-handled stage does nothing, and one that fires early (clock
 * skew, or a limit moved later) is put back to the stored time.
 */
export async function fireDeadline(
  db: Queryable,
  payload: DeadlineJobPayload,
  clock: Clock,
): Promise<DeadlineOutcome> {
  const d = await sql.selectDeadlineForJob(db, payload.deadlineId);
  if (!d || d.finished_at || !d.running_since) return "stale";
  const target = payload.kind === "warn" ? d.warn_at : d.due_at;
  const done = payload.kind === "warn" ? d.warned_at : d.overdue_at;
  if (!target || done) return "stale";
  const now = clock.now();
  if (now < target) {
    await scheduleJobs(
      db,
      timerJobs(d.id, payload.kind === "warn" ? target : null, payload.kind === "due" ? target : null),
    );
    return "not_yet";
  }
  await sql.markDeadline(db, d.id, payload.kind, now);
  const details: Record<string, unknown> = { stage: d.stage, limitMinutes: d.limit_minutes, dueAt: d.due_at };
  if (payload.kind === "due") details.escalatedTo = await escalationTargets(db, d.cell_code);
  await insertIncidentEvent(db, {
    incidentId: d.incident_id,
    kind: payload.kind === "warn" ? "time_limit_warning" : "overdue",
    actorUserId: null,
    actor: SYSTEM_ACTOR,
    at: now,
    details,
  });
  await publishIncidentUpdated(db, d.incident_id, {
    action: payload.kind === "warn" ? "time_limit_warning" : "escalate",
    fromState: null,
    toState: null,
    actor: SYSTEM_ACTOR,
  });
  return payload.kind === "warn" ? "warned" : "escalated";
}

/** Overdue work goes up: to the leader of the parent cell and to the command centre. */
async function escalationTargets(db: Queryable, cellCode: string) {
  const parent = await selectParentCell(db, cellCode);
  const leaders = parent ? await selectCellLeaders(db, [parent]) : [];
  return { parentCellCode: parent, parentLeaderUserIds: leaders.map((l) => l.user_id), commandCentre: true };
}
