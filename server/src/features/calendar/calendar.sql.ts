import type { Queryable } from "../../db/pool.js";

export interface CalendarRow {
  code: string;
  name: string;
  name_en: string;
  time_zone: string;
  is_default: boolean;
  periods: { iso_weekday: number; starts_at: string; ends_at: string }[];
  days: { day: string; kind: "holiday" | "workday"; name: string; name_en: string }[];
}

/** One calendar with its periods and day overrides; the default one when `code` is null. */
export async function selectCalendar(db: Queryable, code: string | null): Promise<CalendarRow | null> {
  const { rows } = await db.query<CalendarRow>(
    `SELECT c.code, c.name, c.name_en, c.time_zone, c.is_default,
            COALESCE((SELECT json_agg(json_build_object('iso_weekday', p.iso_weekday,
                        'starts_at', to_char(p.starts_at, 'HH24:MI'), 'ends_at', to_char(p.ends_at, 'HH24:MI'))
                        ORDER BY p.iso_weekday, p.starts_at)
                        FROM work_calendar_periods p WHERE p.calendar_code = c.code), '[]') AS periods,
            COALESCE((SELECT json_agg(json_build_object('day', to_char(d.day, 'YYYY-MM-DD'), 'kind', d.kind,
                        'name', d.name, 'name_en', d.name_en) ORDER BY d.day)
                        FROM work_calendar_days d WHERE d.calendar_code = c.code), '[]') AS days
       FROM work_calendars c
      WHERE ($1::text IS NULL AND c.is_default) OR c.code = $1`,
    [code],
  );
  return rows[0] ?? null;
}

export async function selectCalendarList(
  db: Queryable,
): Promise<{ code: string; name: string; name_en: string; time_zone: string; is_default: boolean }[]> {
  const { rows } = await db.query<{
    code: string;
    name: string;
    name_en: string;
    time_zone: string;
    is_default: boolean;
  }>("SELECT code, name, name_en, time_zone, is_default FROM work_calendars ORDER BY code");
  return rows;
}

export async function upsertCalendarDays(
  db: Queryable,
  code: string,
  days: readonly { day: string; kind: "holiday" | "workday"; name: string; name_en: string }[],
): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO work_calendar_days (calendar_code, day, kind, name, name_en)
     SELECT $1, d.day, d.kind, d.name, d.name_en
       FROM jsonb_to_recordset($2::jsonb) AS d(day date, kind text, name text, name_en text)
     ON CONFLICT (calendar_code, day) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, name_en = EXCLUDED.name_en`,
    [code, JSON.stringify(days)],
  );
  return rowCount ?? 0;
}

export async function deleteCalendarDays(
  db: Queryable,
  code: string,
  days: readonly string[],
): Promise<number> {
  const { rowCount } = await db.query(
    "DELETE FROM work_calendar_days WHERE calendar_code = $1 AND day = ANY ($2::date[])",
    [code, days],
  );
  return rowCount ?? 0;
}

export async function replaceCalendarPeriods(
  db: Queryable,
  code: string,
  periods: readonly { iso_weekday: number; starts_at: string; ends_at: string }[],
): Promise<void> {
  await db.query("DELETE FROM work_calendar_periods WHERE calendar_code = $1", [code]);
  await db.query(
    `INSERT INTO work_calendar_periods (calendar_code, iso_weekday, starts_at, ends_at)
     SELECT $1, p.iso_weekday, p.starts_at, p.ends_at
       FROM jsonb_to_recordset($2::jsonb) AS p(iso_weekday smallint, starts_at time, ends_at time)`,
    [code, JSON.stringify(periods)],
  );
}
