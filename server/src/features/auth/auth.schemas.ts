import { z } from "zod";
import { permissions, roles } from "./permissions.js";

export const usernameSchema = z
  .string()
  .regex(/^[a-z0-9_.-]{2,64}$/, "2-64 characters: lower-case letters, digits, _ . -");

export const loginBody = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(200),
});

const cellCodes = z
  .array(z.string().regex(/^[0-9A-Za-z]{1,32}$/))
  .min(1)
  .max(200);

export const createUserBody = z.strictObject({
  username: usernameSchema,
  displayName: z.string().min(1).max(200),
  password: z.string().min(1).max(200),
  roles: z.array(z.enum(roles)).min(1),
  cellCodes,
});

export const updateUserBody = z.strictObject({
  displayName: z.string().min(1).max(200).optional(),
  disabled: z.boolean().optional(),
  password: z.string().min(1).max(200).optional(),
  roles: z.array(z.enum(roles)).min(1).optional(),
  cellCodes: cellCodes.optional(),
});

export const changeOwnPasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(200),
  newPassword: z.string().min(1).max(200),
});

export const createTokenBody = z.strictObject({
  name: z.string().min(1).max(200),
  permissions: z.array(z.enum(permissions)).min(1),
  cellCodes,
  cameraIds: z
    .array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/))
    .max(10_000)
    .nullable()
    .default(null),
  expiresAt: z.coerce.date().nullable().default(null),
});

export const idParams = z.strictObject({
  id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
});
