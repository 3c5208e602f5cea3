/**
 * Working-time arithmetic on a calendar of weekly working periods, public holidays and
 * make-up working days, in the calendar's own time zone. Pure: no database, no clock.
 */

/** Minutes after local midnight, e.g. 09:00 = 540. */
export interface WorkPeriod {
  start: number;
  end: number;
}

export type DayKind = "holiday" | "workday";

export interface WorkCalendar {
  timeZone: string;
  /** ISO weekday (1 = Monday .. 7 = Sunday) → working periods, sorted, not overlapping. */
  weekly: ReadonlyMap<number, readonly WorkPeriod[]>;
  /** Local date "YYYY-MM-DD" → holiday (no work) or workday (a make-up working day). */
  days: ReadonlyMap<string, DayKind>;
  /** Periods of a make-up working day; defaults to Monday's. */
  makeUpPeriods?: readonly WorkPeriod[];
}

export class CalendarError extends Error {
  constructor(
    readonly code: "no_working_time" | "range_too_long" | "bad_time_zone",
    message: string,
  ) {
    super(message);
    this.name = "CalendarError";
  }
}

const MINUTE = 60_000;
// Ten years of days without one working minute means the calendar is misconfigured.
const MAX_DAYS = 3660;

interface LocalDate {
  y: number;
  m: number;
  d: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      });
    } catch (cause) {
      throw new CalendarError(
        "bad_time_zone",
        `Unknown time zone "${timeZone}": ${(cause as Error).message}`,
      );
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** Offset of the zone from UTC at an instant, in ms (positive east of Greenwich). */
function zoneOffset(timeZone: string, at: number): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return wall - (at - (at % 1000));
}

/** The local calendar date of an instant in the zone. */
export function localDateOf(at: Date, timeZone: string): string {
  return dateKey(localDate(at.getTime(), timeZone));
}

function localDate(at: number, timeZone: string): LocalDate {
  const wall = new Date(at + zoneOffset(timeZone, at));
  return { y: wall.getUTCFullYear(), m: wall.getUTCMonth() + 1, d: wall.getUTCDate() };
}

/** The instant at which the local wall clock in the zone shows `minute` on `date`. */
export function instantAt(date: LocalDate, minute: number, timeZone: string): number {
  const wall = Date.UTC(date.y, date.m - 1, date.d, 0, minute);
  const first = wall - zoneOffset(timeZone, wall);
  const second = wall - zoneOffset(timeZone, first);
  return second;
}

const dateKey = (d: LocalDate) =>
  `${String(d.y).padStart(4, "0")}-${String(d.m).padStart(2, "0")}-${String(d.d).padStart(2, "0")}`;

function nextDay(d: LocalDate): LocalDate {
  const t = new Date(Date.UTC(d.y, d.m - 1, d.d + 1));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

const isoWeekday = (d: LocalDate) => {
  const day = new Date(Date.UTC(d.y, d.m - 1, d.d)).getUTCDay();
  return day === 0 ? 7 : day;
};

export function parseDateKey(key: string): LocalDate {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
  if (!match) throw new RangeError(`"${key}" is not a YYYY-MM-DD date`);
  return { y: Number(match[1]), m: Number(match[2]), d: Number(match[3]) };
}

/** The working periods of one local date, honouring holidays and make-up days. */
export function periodsOn(cal: WorkCalendar, date: LocalDate | string): readonly WorkPeriod[] {
  const d = typeof date === "string" ? parseDateKey(date) : date;
  const kind = cal.days.get(dateKey(d));
  if (kind === "holiday") return [];
  if (kind === "workday") return cal.makeUpPeriods ?? cal.weekly.get(1) ?? [];
  return cal.weekly.get(isoWeekday(d)) ?? [];
}

/** The working stretches of a local date as instants [start, end) in ms. */
function stretchesOn(cal: WorkCalendar, date: LocalDate): [number, number][] {
  return periodsOn(cal, date).map((p) => [
    instantAt(date, p.start, cal.timeZone),
    instantAt(date, p.end, cal.timeZone),
  ]);
}

/**
 * The instant when `minutes` of working time have passed after `from`. Zero minutes gives
 * `from` itself; time outside working periods (nights, weekends, holidays) does not count.
 */
export function addWorkingMinutes(cal: WorkCalendar, from: Date, minutes: number): Date {
  if (!Number.isFinite(minutes) || minutes < 0)
    throw new RangeError(`minutes must be a finite number >= 0, got ${minutes}`);
  if (minutes === 0) return new Date(from.getTime());
  let remaining = minutes * MINUTE;
  const cursor = from.getTime();
  let day = localDate(cursor, cal.timeZone);
  for (let i = 0; i < MAX_DAYS; i++) {
    for (const [start, end] of stretchesOn(cal, day)) {
      const s = Math.max(start, cursor);
      if (s >= end) continue;
      if (remaining <= end - s) return new Date(s + remaining);
      remaining -= end - s;
    }
    day = nextDay(day);
  }
  throw new CalendarError(
    "no_working_time",
    `The calendar has no working time in the ${MAX_DAYS} days after ${from.toISOString()}.`,
  );
}

/** Working minutes between two instants (0 when `to` is not after `from`). */
export function workingMinutesBetween(cal: WorkCalendar, from: Date, to: Date): number {
  const a = from.getTime();
  const b = to.getTime();
  if (b <= a) return 0;
  let total = 0;
  let day = localDate(a, cal.timeZone);
  const last = dateKey(localDate(b, cal.timeZone));
  for (let i = 0; i <= MAX_DAYS; i++) {
    for (const [start, end] of stretchesOn(cal, day)) {
      const s = Math.max(start, a);
      const e = Math.min(end, b);
      if (e > s) total += e - s;
    }
    if (dateKey(day) >= last) return total / MINUTE;
    day = nextDay(day);
  }
  throw new CalendarError(
    "range_too_long",
    `Refusing to count working time over more than ${MAX_DAYS} days.`,
  );
}

/** True when `at` falls inside a working period. */
export function isWorkingTime(cal: WorkCalendar, at: Date): boolean {
  const t = at.getTime();
  return stretchesOn(cal, localDate(t, cal.timeZone)).some(([s, e]) => t >= s && t < e);
}

/** "HH:MM" or "HH:MM:SS" → minutes after midnight. */
export function minutesOfTime(text: string): number {
  const match = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!match) throw new RangeError(`"${text}" is not a HH:MM time`);
  const h = Number(match[1]);
  const m = Number(match[2]);
  if (h > 24 || m > 59 || (h === 24 && m > 0)) throw new RangeError(`"${text}" is not a time of day`);
  return h * 60 + m;
}
