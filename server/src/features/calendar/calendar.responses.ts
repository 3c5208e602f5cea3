import { z } from "zod";
import { calendarDay, timestamp } from "../../http/wire.js";

// Response bodies of the calendar routes as they go over the wire (OpenAPI; checked in tests).

export const calendarListResponse = z.object({
  calendars: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      name_en: z.string(),
      time_zone: z.string().describe("IANA time zone, e.g. Asia/Shanghai"),
      is_default: z.boolean(),
    }),
  ),
});

const period = z.object({
  isoWeekday: z.number().int().min(1).max(7).describe("1 = Monday; make-up working days use Monday's"),
  startsAt: z.string().describe("Local time of day, HH:MM"),
  endsAt: z.string().describe("Local time of day, HH:MM"),
});

export const calendarResponse = z.object({
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  timeZone: z.string(),
  isDefault: z.boolean(),
  periods: z.array(period),
  days: z.array(
    z.object({
      day: calendarDay,
      kind: z.enum(["holiday", "workday"]).describe("A public holiday, or a make-up working day"),
      name: z.string(),
      nameEn: z.string(),
    }),
  ),
});

export const workingTimeResponse = z.union([
  z.object({ minutes: z.number().describe("Working minutes between from and to") }),
  z.object({ at: timestamp.describe("The instant `add` working minutes after from") }),
]);

export const calendarDaysChangedResponse = z.object({ changed: z.number().int() });
export const calendarDayRemovedResponse = z.object({ removed: z.number().int() });
export const calendarPeriodsResponse = z.object({ periods: z.array(period) });
