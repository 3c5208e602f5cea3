import type { Request, Response } from "express";
import type { AppDeps } from "../../app-deps.js";
import { badRequest, forbidden } from "../../http/errors.js";
import type { RouteRegistry } from "../../http/route.js";
import { CSRF_COOKIE, SESSION_COOKIE } from "./auth.middleware.js";
import {
  createdTokenResponse,
  type MeResponse,
  meResponse,
  tokensResponse,
  userResponse,
  usersResponse,
} from "./auth.responses.js";
import {
  changeOwnPasswordBody,
  createTokenBody,
  createUserBody,
  idParams,
  loginBody,
  updateUserBody,
} from "./auth.schemas.js";
import * as auth from "./auth.service.js";
import * as sql from "./auth.sql.js";
import type { AuthContext } from "./auth-context.js";
import { verifyPassword } from "./passwords.js";

export function originOf(req: Request): auth.RequestOrigin {
  return { ip: req.ip ?? null, userAgent: req.get("user-agent") ?? null, requestId: req.id };
}

export function meOf(a: AuthContext): MeResponse {
  return {
    user: { id: a.userId, username: a.actor, displayName: a.displayName },
    roles: a.roles,
    permissions: [...a.permissions].sort(),
    cells: a.cellCodes,
    csrfToken: a.csrfToken,
  };
}

function setSessionCookies(
  req: Request,
  res: Response,
  sessionId: string,
  csrfToken: string,
  ttlHours: number,
) {
  const common = { sameSite: "lax" as const, secure: req.secure, path: "/", maxAge: ttlHours * 3600 * 1000 };
  res.cookie(SESSION_COOKIE, sessionId, { ...common, httpOnly: true });
  // Readable by the page so it can echo it in the x-csrf-token header (double submit).
  res.cookie(CSRF_COOKIE, csrfToken, { ...common, httpOnly: false });
}

export function registerAuthRoutes(routes: RouteRegistry, deps: AppDeps): void {
  routes.add({
    method: "post",
    path: "/api/v1/auth/login",
    summary: "Log in with username and password; sets the session and CSRF cookies",
    tags: ["auth"],
    policy: { access: "public", why: "logging in is how a caller becomes authenticated" },
    body: loginBody,
    bodyLimit: "4kb",
    response: meResponse,
    handler: async ({ req, res, body }) => {
      const result = await auth.login(
        deps.pool,
        deps.authSettings,
        body.username,
        body.password,
        originOf(req),
      );
      setSessionCookies(req, res, result.sessionId, result.csrfToken, deps.authSettings.sessionTtlHours);
      return meOf(result.auth);
    },
  });

  routes.add({
    method: "post",
    path: "/api/v1/auth/logout",
    summary: "Revoke the current session",
    tags: ["auth"],
    policy: { access: "authenticated" },
    status: 204,
    handler: async ({ req, res, auth: a }) => {
      await auth.logout(deps.pool, a, originOf(req));
      res.clearCookie(SESSION_COOKIE, { path: "/" });
      res.clearCookie(CSRF_COOKIE, { path: "/" });
      res.status(204).end();
    },
  });

  routes.add({
    method: "get",
    path: "/api/v1/auth/me",
    summary: "The current user or token: roles, permissions, cells",
    tags: ["auth"],
    policy: { access: "authenticated" },
    response: meResponse,
    handler: ({ auth: a }) => meOf(a),
  });

  routes.add({
    method: "post",
    path: "/api/v1/auth/password",
    summary: "Change your own password (revokes all your sessions)",
    tags: ["auth"],
    policy: { access: "authenticated" },
    body: changeOwnPasswordBody,
    bodyLimit: "4kb",
    status: 204,
    handler: async ({ req, res, auth: a, body }) => {
      if (a.userId === null) throw forbidden("API tokens have no password.");
      const user = await sql.selectUserById(deps.pool, a.userId);
      if (!user || !(await verifyPassword(user.password_hash, body.currentPassword))) {
        throw badRequest("wrong_current_password", "The current password is wrong.", {
          field: "currentPassword",
        });
      }
      await auth.updateUser(deps.pool, a, a.userId, { password: body.newPassword }, originOf(req));
      res.clearCookie(SESSION_COOKIE, { path: "/" });
      res.status(204).end();
    },
  });

  registerUserAdminRoutes(routes, deps);
  registerTokenRoutes(routes, deps);
}

const userView = (u: sql.UserRow) => ({
  id: u.id,
  username: u.username,
  displayName: u.display_name,
  disabled: u.disabled,
  roles: u.roles,
  cellCodes: u.cell_codes,
});

function registerUserAdminRoutes(routes: RouteRegistry, deps: AppDeps): void {
  const policy = { access: "permission", permission: "users:manage", scope: "global" } as const;
  routes.add({
    method: "get",
    path: "/api/v1/users",
    summary: "List users with roles and cell assignments",
    tags: ["users"],
    policy,
    response: usersResponse,
    handler: async () => ({ users: (await sql.selectUsers(deps.pool)).map(userView) }),
  });
  routes.add({
    method: "post",
    path: "/api/v1/users",
    summary: "Create a user",
    tags: ["users"],
    policy,
    body: createUserBody,
    bodyLimit: "16kb",
    status: 201,
    response: userResponse,
    handler: async ({ req, auth: a, body }) => {
      const id = await deps.withTransaction((db) => auth.createUser(db, a, body, originOf(req)));
      return userView((await sql.selectUserById(deps.pool, id))!);
    },
  });
  routes.add({
    method: "patch",
    path: "/api/v1/users/:id",
    summary: "Change a user's name, password, roles, cells or disabled flag (revokes their sessions)",
    tags: ["users"],
    policy,
    params: idParams,
    body: updateUserBody,
    bodyLimit: "16kb",
    response: userResponse,
    handler: async ({ req, auth: a, params, body }) => {
      await auth.updateUser(deps.pool, a, params.id, body, originOf(req));
      return userView((await sql.selectUserById(deps.pool, params.id))!);
    },
  });
}

const tokenView = (t: sql.TokenRow) => ({
  id: t.id,
  name: t.name,
  permissions: t.permissions,
  cellCodes: t.cell_codes,
  cameraIds: t.camera_ids,
  createdAt: t.created_at,
  expiresAt: t.expires_at,
  lastUsedAt: t.last_used_at,
  revokedAt: t.revoked_at,
});

function registerTokenRoutes(routes: RouteRegistry, deps: AppDeps): void {
  const policy = { access: "permission", permission: "tokens:manage", scope: "global" } as const;
  routes.add({
    method: "get",
    path: "/api/v1/tokens",
    summary: "List API tokens (never their secrets)",
    tags: ["tokens"],
    policy,
    response: tokensResponse,
    handler: async () => ({ tokens: (await sql.selectTokens(deps.pool)).map(tokenView) }),
  });
  routes.add({
    method: "post",
    path: "/api/v1/tokens",
    summary: "Create an API token; the secret is shown once in this response",
    tags: ["tokens"],
    policy,
    body: createTokenBody,
    bodyLimit: "512kb",
    status: 201,
    response: createdTokenResponse,
    handler: ({ req, auth: a, body }) => auth.createApiToken(deps.pool, a, body, originOf(req)),
  });
  routes.add({
    method: "delete",
    path: "/api/v1/tokens/:id",
    summary: "Revoke an API token",
    tags: ["tokens"],
    policy,
    params: idParams,
    status: 204,
    handler: async ({ req, res, auth: a, params }) => {
      await auth.revokeApiToken(deps.pool, a, params.id, originOf(req));
      res.status(204).end();
    },
  });
}
