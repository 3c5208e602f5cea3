import { z } from "zod";
import { cameraIdSchema } from "../cameras/cameras.schemas.js";

export const ticketStates = ["open", "assigned", "on_site", "fixed", "verified"] as const;
export type TicketState = (typeof ticketStates)[number];

/** The repair ticket lifecycle (GLOSSARY: 待派 → 已派 → 到场 → 已修复 → 已验收), with the two ways back. */
export const ticketTransitions: Record<TicketState, readonly TicketState[]> = {
  open: ["assigned"],
  assigned: ["assigned", "on_site", "open"],
  on_site: ["fixed"],
  fixed: ["verified", "assigned"],
  verified: [],
};

export const ticketStateLabels: Record<TicketState, { en: string; "zh-CN": string }> = {
  open: { en: "Open", "zh-CN": "待派" },
  assigned: { en: "Assigned", "zh-CN": "已派" },
  on_site: { en: "On site", "zh-CN": "到场" },
  fixed: { en: "Fixed", "zh-CN": "已修复" },
  verified: { en: "Verified", "zh-CN": "已验收" },
};

export const ticketIdParams = z.strictObject({
  id: z.coerce.number().int().positive("ticket ids are positive whole numbers"),
});

export const createTicketBody = z.strictObject({
  camera_id: cameraIdSchema,
  title: z.string().trim().min(1).max(200),
  description: z.string().max(4000).default(""),
  assignee_user_id: z.number().int().positive().optional(),
});
export type CreateTicketInput = z.infer<typeof createTicketBody>;

export const transitionTicketBody = z.strictObject({
  to: z.enum(ticketStates),
  note: z.string().trim().max(4000).optional(),
  /** Required when moving to assigned. */
  assignee_user_id: z.number().int().positive().optional(),
  version: z.number().int().min(1).optional(),
});
export type TransitionTicketInput = z.infer<typeof transitionTicketBody>;

export const listTicketsQuery = z.strictObject({
  state: z
    .string()
    .transform((s) => s.split(",").map((x) => x.trim()))
    .pipe(z.array(z.enum(ticketStates)))
    .optional(),
  camera_id: cameraIdSchema.optional(),
  assignee_user_id: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type ListTicketsQuery = z.infer<typeof listTicketsQuery>;
