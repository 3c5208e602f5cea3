import type { Permission, Role } from "./permissions.js";

/** Who is calling, resolved once per request (session cookie or API token). */
export interface AuthContext {
  kind: "session" | "token";
  userId: number | null;
  tokenId: number | null;
  /** Username, or "token:<id>:<name>" for API tokens; used as the audit actor. */
  actor: string;
  displayName: string;
  roles: Role[];
  permissions: Set<Permission>;
  /** Assigned cells: the caller sees these and everything below them. */
  cellCodes: string[];
  /** For device tokens: the cameras the token may push for (null = any in its cells). */
  cameraIds: string[] | null;
  sessionIdHash: string | null;
  csrfToken: string | null;
}

declare global {
  namespace Express {
    interface Request {
      auth?: AuthContext;
      id: string;
    }
  }
}
