import { z } from "zod";
import { levelIdSchema } from "../cells/cell-scheme.service.js";

export const incidentStatsQuery = z
  .strictObject({
    /** Incidents reported at or after this instant. */
    from: z.coerce.date({ message: "from must be a date or date-time" }),
    /** …and before this one. */
    to: z.coerce.date({ message: "to must be a date or date-time" }),
    /** Group by the cells of this level (each incident counts for its ancestor at that level); default the leaf level. */
    level: levelIdSchema.optional(),
    lang: z.enum(["zh-CN", "en"]).default("zh-CN"),
  })
  .refine((q) => q.from < q.to, { message: "from must be before to", path: ["from"] })
  .refine((q) => q.to.getTime() - q.from.getTime() <= 366 * 86_400_000 * 5, {
    message: "at most five years at once",
    path: ["to"],
  });
export type IncidentStatsQuery = z.infer<typeof incidentStatsQuery>;

export const openIncidentsQuery = z.strictObject({
  /** A level of the configured cell scheme; default the leaf level. */
  level: levelIdSchema.optional(),
});
