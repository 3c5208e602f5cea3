import type { Queryable } from "../../db/pool.js";
import { AppError, notFound } from "../../http/errors.js";
import { type CalendarRow, selectCalendar } from "./calendar.sql.js";
import { minutesOfTime, type WorkCalendar, type WorkPeriod } from "./working-time.js";

export interface LoadedCalendar {
  code: string;
  calendar: WorkCalendar;
}

/** Builds the pure calendar from its table rows. */
export function toWorkCalendar(row: CalendarRow): WorkCalendar {
  const weekly = new Map<number, WorkPeriod[]>();
  for (const p of row.periods) {
    const list = weekly.get(p.iso_weekday) ?? [];
    list.push({ start: minutesOfTime(p.starts_at), end: minutesOfTime(p.ends_at) });
    weekly.set(p.iso_weekday, list);
  }
  return { timeZone: row.time_zone, weekly, days: new Map(row.days.map((d) => [d.day, d.kind])) };
}

/** The calendar by code, or the default calendar; 404 / 500 with a clear message otherwise. */
export async function loadWorkCalendar(db: Queryable, code: string | null = null): Promise<LoadedCalendar> {
  const row = await selectCalendar(db, code);
  if (!row) {
    if (code) throw notFound("Calendar", code);
    throw new AppError(
      500,
      "no_default_calendar",
      "No working-time calendar is marked as default: mark one in work_calendars.",
    );
  }
  return { code: row.code, calendar: toWorkCalendar(row) };
}
