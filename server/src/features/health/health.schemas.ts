import { healthStates } from "@gridops/camera-adapters/health/index";
import { z } from "zod";
import { cellCodeSchema } from "../cells/cells.schemas.js";

export const fleetQuery = z.strictObject({
  /** Comma-separated states. */
  state: z
    .string()
    .transform((s) => s.split(",").map((x) => x.trim()))
    .pipe(z.array(z.enum(healthStates)))
    .optional(),
  vendor: z.string().max(64).optional(),
  /** Prefix match. */
  model: z.string().max(200).optional(),
  /** Prefix match. */
  firmware: z.string().max(200).optional(),
  /** This cell and everything below it. */
  cell: cellCodeSchema.optional(),
  /** Only cameras in their current state since at or before this time ("down for more than an hour"). */
  since: z.iso.datetime({ offset: true, message: "since must be an ISO 8601 date-time" }).optional(),
  /** Id or name contains. */
  q: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type FleetQuery = z.infer<typeof fleetQuery>;

export const maintenanceBody = z.strictObject({
  on: z.boolean(),
  note: z.string().trim().max(1000).optional(),
});

export const eventsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** Keyset paging: events with an id below this. */
  before: z.coerce.number().int().positive().optional(),
});
