import type { AppDeps } from "../../app-deps.js";
import { notFound } from "../../http/errors.js";
import type { RouteRegistry } from "../../http/route.js";
import { auditSource, recordAudit } from "../audit/audit.service.js";
import {
  calendarDayRemovedResponse,
  calendarDaysChangedResponse,
  calendarListResponse,
  calendarPeriodsResponse,
  calendarResponse,
  workingTimeResponse,
} from "./calendar.responses.js";
import {
  calendarDayParams,
  calendarDaysBody,
  calendarParams,
  calendarPeriodsBody,
  workingTimeQuery,
} from "./calendar.schemas.js";
import { loadWorkCalendar } from "./calendar.service.js";
import {
  deleteCalendarDays,
  replaceCalendarPeriods,
  selectCalendar,
  selectCalendarList,
  upsertCalendarDays,
} from "./calendar.sql.js";
import { addWorkingMinutes, workingMinutesBetween } from "./working-time.js";

/** The working-time calendars behind incident time limits; changes apply to stages started afterwards. */
export function registerCalendarRoutes(routes: RouteRegistry, deps: AppDeps): void {
  const read = { access: "permission", permission: "incidents:read", scope: "global" } as const;
  const manage = { access: "permission", permission: "config:manage", scope: "global" } as const;

  routes.add({
    method: "get",
    path: "/api/v1/calendars",
    summary: "Working-time calendars",
    tags: ["calendar"],
    policy: read,
    response: calendarListResponse,
    handler: async () => ({ calendars: await selectCalendarList(deps.pool) }),
  });

  routes.add({
    method: "get",
    path: "/api/v1/calendars/:code",
    summary: "A calendar's weekly working periods, public holidays and make-up working days",
    tags: ["calendar"],
    policy: read,
    params: calendarParams,
    response: calendarResponse,
    handler: async ({ params }) => {
      const row = await selectCalendar(deps.pool, params.code);
      if (!row) throw notFound("Calendar", params.code);
      return {
        code: row.code,
        name: row.name,
        nameEn: row.name_en,
        timeZone: row.time_zone,
        isDefault: row.is_default,
        periods: row.periods.map((p) => ({
          isoWeekday: p.iso_weekday,
          startsAt: p.starts_at,
          endsAt: p.ends_at,
        })),
        days: row.days.map((d) => ({ day: d.day, kind: d.kind, name: d.name, nameEn: d.name_en })),
      };
    },
  });

  routes.add({
    method: "get",
    path: "/api/v1/calendars/:code/working-time",
    summary: "Working minutes between from and to, or the instant `add` working minutes after from",
    tags: ["calendar"],
    policy: read,
    params: calendarParams,
    query: workingTimeQuery,
    response: workingTimeResponse,
    handler: async ({ params, query }) => {
      const { calendar } = await loadWorkCalendar(deps.pool, params.code);
      if (query.to) return { minutes: workingMinutesBetween(calendar, query.from, query.to) };
      return { at: addWorkingMinutes(calendar, query.from, query.add ?? 0).toISOString() };
    },
  });

  routes.add({
    method: "put",
    path: "/api/v1/calendars/:code/days",
    summary: "Add or change public holidays and make-up working days (audited)",
    tags: ["calendar"],
    policy: manage,
    params: calendarParams,
    body: calendarDaysBody,
    response: calendarDaysChangedResponse,
    handler: ({ req, params, body }) =>
      deps.withTransaction(async (db) => {
        await loadWorkCalendar(db, params.code);
        const changed = await upsertCalendarDays(
          db,
          params.code,
          body.days.map((d) => ({ day: d.day, kind: d.kind, name: d.name, name_en: d.nameEn })),
        );
        await recordAudit(db, {
          ...auditSource(req),
          action: "calendar.days_save",
          targetType: "calendar",
          targetId: params.code,
          details: { days: body.days },
        });
        return { changed };
      }),
  });

  routes.add({
    method: "delete",
    path: "/api/v1/calendars/:code/days/:day",
    summary: "Remove a holiday or make-up day (the weekly pattern applies again; audited)",
    tags: ["calendar"],
    policy: manage,
    params: calendarDayParams,
    response: calendarDayRemovedResponse,
    handler: ({ req, params }) =>
      deps.withTransaction(async (db) => {
        const removed = await deleteCalendarDays(db, params.code, [params.day]);
        if (removed === 0) throw notFound("Calendar day", `${params.code}/${params.day}`);
        await recordAudit(db, {
          ...auditSource(req),
          action: "calendar.day_delete",
          targetType: "calendar",
          targetId: params.code,
          details: { day: params.day },
        });
        return { removed };
      }),
  });

  routes.add({
    method: "put",
    path: "/api/v1/calendars/:code/periods",
    summary: "Replace the weekly working periods (audited)",
    tags: ["calendar"],
    policy: manage,
    params: calendarParams,
    body: calendarPeriodsBody,
    response: calendarPeriodsResponse,
    handler: ({ req, params, body }) =>
      deps.withTransaction(async (db) => {
        await loadWorkCalendar(db, params.code);
        await replaceCalendarPeriods(
          db,
          params.code,
          body.periods.map((p) => ({ iso_weekday: p.isoWeekday, starts_at: p.startsAt, ends_at: p.endsAt })),
        );
        await recordAudit(db, {
          ...auditSource(req),
          action: "calendar.periods_save",
          targetType: "calendar",
          targetId: params.code,
          details: body,
        });
        return { periods: body.periods };
      }),
  });
}
