import type { Queryable } from "../../db/pool.js";
import { badRequest, conflict, forbidden, notFound } from "../../http/errors.js";
import { type Clock, systemClock } from "../../jobs/clock.js";
import { enqueueEvent, enqueueEvents } from "../../realtime/outbox.js";
import { instantAt, localDateOf, minutesOfTime, parseDateKey } from "../calendar/working-time.js";
import { leafLevel, loadCodeScheme } from "../cells/cell-code-scheme.js";
import { type Actor, createIncident } from "../incidents/incidents.service.js";
import { type FileReportBody, type ReportSettings, reportSettingsSchema } from "./reports.schemas.js";
import * as sql from "./reports.sql.js";

const DEFAULT_SETTINGS: ReportSettings = {
  deadline: "17:00",
  remind_minutes_before: 60,
  time_zone: "Asia/Shanghai",
};

export async function loadReportSettings(db: Queryable): Promise<ReportSettings> {
  const parsed = reportSettingsSchema.safeParse(await sql.selectReportSettingsValue(db));
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

/** The local date of an instant in the reports' time zone. */
export const reportDateOf = (settings: ReportSettings, at: Date) => localDateOf(at, settings.time_zone);

/** When the report for a date is due. */
export const deadlineOf = (settings: ReportSettings, date: string) =>
  new Date(instantAt(parseDateKey(date), minutesOfTime(settings.deadline), settings.time_zone));

/**
 * Files the daily report of one grid (a zero report, or items of which some may open
 * incidents), once per grid and day; late when filed after the deadline.
 */
export async function fileDailyReport(
  db: Queryable,
  input: FileReportBody,
  actor: Actor & { cellCodes: readonly string[] },
  clock: Clock = systemClock,
): Promise<sql.ReportRow> {
  const now = clock.now();
  const settings = await loadReportSettings(db);
  const today = reportDateOf(settings, now);
  const date = input.date ?? today;
  if (date > today)
    throw badRequest("date_in_future", `Cannot file a report for ${date}: it is ${today} now.`);
  const level = await sql.selectCellLevel(db, input.cellCode);
  if (!level) throw notFound("Cell", input.cellCode);
  const grid = leafLevel(await loadCodeScheme(db)).level;
  if (level !== grid)
    throw badRequest("not_a_grid", `Daily reports are filed per ${grid}; ${input.cellCode} is a ${level}.`);
  const visible = await db.query<{ inside: boolean }>(
    "SELECT path && $2::text[] AS inside FROM cells WHERE code = $1",
    [input.cellCode, actor.cellCodes],
  );
  if (!visible.rows[0]?.inside)
    throw forbidden(`Cell ${input.cellCode} is outside the cells assigned to you.`);
  const reportId = await sql.insertReport(db, {
    cellCode: input.cellCode,
    date,
    nothingToReport: input.nothingToReport,
    note: input.note ?? null,
    userId: actor.userId,
    actor: actor.actor,
    now,
    late: now > deadlineOf(settings, date),
  });
  if (reportId === null)
    throw conflict("report_exists", `Grid ${input.cellCode} already filed its report for ${date}.`);
  const items = [];
  for (const item of input.items) {
    // Each item that opens an incident goes through the incidents feature (checks, timers, events).
    const incidentId = item.createIncident
      ? (
          await createIncident(
            db,
            {
              category: item.category!,
              source: "grid_worker_report",
              location: item.location!,
              description: item.description,
              reporter: { userId: actor.userId, actor: actor.actor },
            },
            { clock, scope: actor.cellCodes },
          )
        ).incident.id
      : null;
    items.push({
      description: item.description,
      category: item.category ?? null,
      lon: item.location?.lon ?? null,
      lat: item.location?.lat ?? null,
      incidentId,
    });
  }
  await sql.insertReportItems(db, reportId, items);
  await enqueueEvent(db, {
    topic: "report.filed",
    cellCode: input.cellCode,
    payload: {
      reportId,
      cellCode: input.cellCode,
      reportDate: date,
      zeroReport: input.nothingToReport,
      filedBy: actor.actor,
    },
  });
  return (await sql.selectReport(db, reportId, actor.cellCodes))!;
}

export interface MissingReports {
  date: string;
  deadline: string;
  deadlinePassed: boolean;
  expected: number;
  filed: number;
  missing: sql.MissingRow[];
}

/** Which grids in the caller's scope have not reported for the date (default today). */
export async function missingReports(
  db: Queryable,
  scope: readonly string[],
  date: string | undefined,
  clock: Clock = systemClock,
): Promise<MissingReports> {
  const settings = await loadReportSettings(db);
  const now = clock.now();
  const day = date ?? reportDateOf(settings, now);
  const deadline = deadlineOf(settings, day);
  const [missing, expected] = await Promise.all([
    sql.selectMissingGrids(db, scope, day),
    sql.countGrids(db, scope),
  ]);
  return {
    date: day,
    deadline: deadline.toISOString(),
    deadlinePassed: now > deadline,
    expected,
    filed: expected - missing.length,
    missing,
  };
}

/**
 * The scheduled check: before the deadline, remind the grids that have not reported (once);
 * after it, announce each missing grid to the command centre (once).
 */
export async function sendReportNotices(
  db: Queryable,
  clock: Clock = systemClock,
): Promise<{ reminded: string[]; missing: string[] }> {
  const settings = await loadReportSettings(db);
  const now = clock.now();
  const date = reportDateOf(settings, now);
  const deadline = deadlineOf(settings, date);
  const remindFrom = new Date(deadline.getTime() - settings.remind_minutes_before * 60_000);
  if (now < remindFrom) return { reminded: [], missing: [] };
  const grids = await sql.selectMissingGrids(db, null, date);
  const gridOf = new Map(grids.map((g) => [g.cellCode, g]));
  const about = (cellCode: string) => {
    const grid = gridOf.get(cellCode);
    return {
      cellCode,
      cellName: grid?.name ?? cellCode,
      cellNameEn: grid?.nameEn ?? null,
      reportDate: date,
      leader: grid?.leader?.username ?? null,
    };
  };
  if (now < deadline) {
    const reminded = await sql.insertNotices(
      db,
      "reminder",
      date,
      grids.filter((g) => g.leader).map((g) => g.cellCode),
      now,
    );
    await enqueueEvents(
      db,
      reminded.map((cellCode) => ({
        topic: "report.reminder" as const,
        cellCode,
        payload: { ...about(cellCode), deadline: deadline.toISOString() },
      })),
    );
    return { reminded, missing: [] };
  }
  const missing = await sql.insertNotices(
    db,
    "missing",
    date,
    grids.map((g) => g.cellCode),
    now,
  );
  await enqueueEvents(
    db,
    missing.map((cellCode) => ({
      topic: "report.missing" as const,
      cellCode,
      payload: about(cellCode),
    })),
  );
  return { reminded: [], missing };
}
