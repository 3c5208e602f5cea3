import { z } from "zod";
import { calendarDay, lonLatOut, timestamp } from "../../http/wire.js";

// Response bodies of the daily report routes as they go over the wire (OpenAPI; checked in tests).

export const dailyReportResponse = z.object({
  id: z.number().int(),
  cellCode: z.string(),
  cellName: z.string(),
  reportDate: calendarDay,
  nothingToReport: z.boolean().describe("A zero report: nothing happened in the grid that day"),
  note: z.string().nullable(),
  filedBy: z.string(),
  filedAt: timestamp,
  late: z.boolean().describe("Filed after the day's deadline"),
  items: z.array(
    z.object({
      position: z.number().int(),
      description: z.string(),
      category: z.string().nullable(),
      location: lonLatOut.nullable(),
      incidentId: z.number().int().nullable().describe("The incident this item opened, if any"),
    }),
  ),
});

export const dailyReportListResponse = z.object({
  reports: z.array(dailyReportResponse).describe("Newest date first, at most 2000"),
});

export const missingReportsResponse = z.object({
  date: calendarDay,
  deadline: timestamp,
  deadlinePassed: z.boolean(),
  expected: z.number().int().describe("Grids in the caller's cells"),
  filed: z.number().int(),
  missing: z.array(
    z.object({
      cellCode: z.string(),
      name: z.string(),
      nameEn: z.string().nullable(),
      parentCode: z.string().nullable(),
      leader: z
        .object({ userId: z.number().int(), username: z.string(), displayName: z.string() })
        .nullable(),
    }),
  ),
});

export const reportSettingsResponse = z.object({
  deadline: z.string().describe("Local time of day, HH:MM"),
  remind_minutes_before: z.number().int(),
  time_zone: z.string().describe("IANA time zone"),
});
