import { z } from "zod";
import { timestamp } from "../../http/wire.js";
import { permissions, roles } from "./permissions.js";

// Response bodies of the auth, user and token routes as they go over the wire (OpenAPI; checked in tests).

export const meResponse = z.object({
  user: z.object({
    id: z.number().int().nullable().describe("Null when the caller is an API token"),
    username: z.string().describe("The user name, or the token's actor name"),
    displayName: z.string(),
  }),
  roles: z.array(z.enum(roles)),
  permissions: z.array(z.enum(permissions)),
  cells: z.array(z.string()).describe("Cell codes the caller may see (with everything below them)"),
  csrfToken: z
    .string()
    .nullable()
    .describe("Echo in the x-csrf-token header on writes; null for token callers"),
});
export type MeResponse = z.infer<typeof meResponse>;

export const userResponse = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  disabled: z.boolean(),
  roles: z.array(z.enum(roles)),
  cellCodes: z.array(z.string()),
});

export const usersResponse = z.object({ users: z.array(userResponse) });

export const tokensResponse = z.object({
  tokens: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      permissions: z.array(z.enum(permissions)),
      cellCodes: z.array(z.string()),
      cameraIds: z
        .array(z.string())
        .nullable()
        .describe("Cameras the token may act for (ingest); null for any"),
      createdAt: timestamp,
      expiresAt: timestamp.nullable(),
      lastUsedAt: timestamp.nullable(),
      revokedAt: timestamp.nullable(),
    }),
  ),
});

export const createdTokenResponse = z.object({
  id: z.number().int(),
  token: z.string().describe("The secret, shown only in this response"),
});
