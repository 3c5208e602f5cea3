import type { MessageKey, Translate } from "../i18n/i18n.js";
import type { incidentMessages } from "./incidents.messages.js";

type IncidentKey = (typeof incidentMessages)["keys"][number];
export type IncidentTranslate = Translate<MessageKey | IncidentKey>;

/** "3 h 12 min", "2 d 4 h", "45 min" for a span in milliseconds. */
export function formatDuration(ms: number, t: IncidentTranslate): string {
  const minutes = Math.max(0, Math.floor(Math.abs(ms) / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return t("incident.duration.days", { d: days, h: hours });
  if (hours > 0) return t("incident.duration.hours", { h: hours, m: rest });
  return t("incident.duration.minutes", { m: rest });
}

/** "2 h 5 min left", "Overdue by 10 min", or "No time limit". */
export function timeLeftText(dueAt: string | null, now: number, t: IncidentTranslate): string {
  if (dueAt === null) return t("incident.noTimeLimit");
  const left = Date.parse(dueAt) - now;
  return left >= 0
    ? t("incident.timeLeft", { time: formatDuration(left, t) })
    : t("incident.overdueBy", { time: formatDuration(left, t) });
}

/** Queue order: soonest deadline first, incidents without a time limit last, then newest first. */
export function byDeadline(
  a: { dueAt: string | null; id: number },
  b: { dueAt: string | null; id: number },
): number {
  if (a.dueAt === b.dueAt) return b.id - a.id;
  if (a.dueAt === null) return 1;
  if (b.dueAt === null) return -1;
  return Date.parse(a.dueAt) - Date.parse(b.dueAt);
}
