import { z } from "zod";

const cellCode = z.string().regex(/^[0-9A-Za-z]{1,32}$/, "cell codes are 1-32 letters or digits");
const dateKey = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date as YYYY-MM-DD");
const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time as HH:MM");

const reportItem = z.strictObject({
  description: z.string().trim().min(1).max(2000),
  category: z
    .string()
    .regex(/^[a-z0-9_.-]{1,64}$/)
    .optional(),
  location: z
    .strictObject({ lon: z.number().min(-180).max(180), lat: z.number().min(-90).max(90) })
    .optional(),
  /** Open an incident for this item (needs category and location). */
  createIncident: z.boolean().default(false),
});

export const fileReportBody = z
  .strictObject({
    cellCode,
    /** The day reported on (local date); default today. */
    date: dateKey.optional(),
    nothingToReport: z.boolean(),
    note: z.string().trim().max(2000).optional(),
    items: z.array(reportItem).max(50).default([]),
  })
  .superRefine((b, ctx) => {
    if (b.nothingToReport && b.items.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["items"],
        message: "a zero report (nothingToReport) has no items",
      });
    }
    if (!b.nothingToReport && b.items.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["items"],
        message: "list at least one item, or file a zero report (nothingToReport: true)",
      });
    }
    b.items.forEach((item, i) => {
      if (item.createIncident && (!item.category || !item.location)) {
        ctx.addIssue({
          code: "custom",
          path: ["items", i],
          message: "an item that opens an incident needs category and location",
        });
      }
    });
  });
export type FileReportBody = z.infer<typeof fileReportBody>;

export const reportsQuery = z.strictObject({
  date: dateKey.optional(),
  cell: cellCode.optional(),
});

export const missingQuery = z.strictObject({ date: dateKey.optional() });

export const reportIdParams = z.strictObject({ id: z.coerce.number().int().positive() });

export const reportSettingsSchema = z.strictObject({
  deadline: time,
  remind_minutes_before: z
    .number()
    .int()
    .min(0)
    .max(24 * 60),
  time_zone: z.string().min(1).max(64),
});
export type ReportSettings = z.infer<typeof reportSettingsSchema>;
