import { z } from "zod";

const dateKey = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date as YYYY-MM-DD");
const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, "a time as HH:MM");

export const calendarParams = z.strictObject({ code: z.string().regex(/^[a-z0-9_-]{1,64}$/) });
export const calendarDayParams = calendarParams.extend({ day: dateKey });

export const calendarDaysBody = z.strictObject({
  days: z
    .array(
      z.strictObject({
        day: dateKey,
        kind: z.enum(["holiday", "workday"]),
        name: z.string().trim().min(1).max(100),
        nameEn: z.string().trim().min(1).max(100),
      }),
    )
    .min(1)
    .max(400),
});

export const calendarPeriodsBody = z
  .strictObject({
    periods: z
      .array(z.strictObject({ isoWeekday: z.number().int().min(1).max(7), startsAt: time, endsAt: time }))
      .max(100),
  })
  .superRefine((b, ctx) => {
    const byDay = new Map<number, { startsAt: string; endsAt: string }[]>();
    b.periods.forEach((p, i) => {
      if (p.endsAt <= p.startsAt)
        ctx.addIssue({ code: "custom", path: ["periods", i], message: "endsAt must be after startsAt" });
      byDay.set(p.isoWeekday, [...(byDay.get(p.isoWeekday) ?? []), p]);
    });
    for (const [day, list] of byDay) {
      const sorted = [...list].sort((x, y) => x.startsAt.localeCompare(y.startsAt));
      sorted.slice(1).forEach((p, i) => {
        if (p.startsAt < sorted[i]!.endsAt)
          ctx.addIssue({ code: "custom", path: ["periods"], message: `periods of weekday ${day} overlap` });
      });
    }
  });

export const workingTimeQuery = z
  .strictObject({
    from: z.coerce.date(),
    to: z.coerce.date().optional(),
    /** Working minutes to add to `from`. */
    add: z.coerce
      .number()
      .min(0)
      .max(60 * 24 * 366)
      .optional(),
  })
  .refine((q) => (q.to === undefined) !== (q.add === undefined), { message: "give either to or add" });
