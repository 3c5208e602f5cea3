import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Pool, Queryable } from "../../db/pool.js";
import { withTransaction } from "../../db/pool.js";
import { AppError, badRequest, conflict, notFound } from "../../http/errors.js";
import { recordAudit } from "../audit/audit.service.js";
import * as sql from "./auth.sql.js";
import type { AuthContext } from "./auth-context.js";
import { hashPassword, passwordProblem, verifyPassword } from "./passwords.js";
import { type Permission, permissions, permissionsOf, type Role } from "./permissions.js";
import { tokenCacheOf } from "./token-cache.js";

export interface AuthSettings {
  sessionTtlHours: number;
  maxAccountFailures: number;
  maxIpFailures: number;
  lockoutWindowSeconds: number;
}

export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const randomToken = (bytes = 32) => randomBytes(bytes).toString("base64url");

export function authFromUser(
  user: sql.UserRow,
  session: { idHash: string; csrfToken: string } | null,
): AuthContext {
  return {
    kind: "session",
    userId: user.id,
    tokenId: null,
    actor: user.username,
    displayName: user.display_name,
    roles: user.roles,
    permissions: permissionsOf(user.roles),
    cellCodes: user.cell_codes,
    cameraIds: null,
    sessionIdHash: session?.idHash ?? null,
    csrfToken: session?.csrfToken ?? null,
  };
}

/**
 * The caller for work GridOps does on its own behalf (demo setup, CLI, tests, benchmarks):
 * every permission, within the given cells. Never built from a request.
 */
export function systemAuth(actor: string, cellCodes: string[]): AuthContext {
  return {
    kind: "session",
    userId: null,
    tokenId: null,
    actor,
    displayName: actor,
    roles: [],
    permissions: new Set(permissions),
    cellCodes,
    cameraIds: null,
    sessionIdHash: null,
    csrfToken: null,
  };
}

/** `systemAuth` over every district (the whole tree). */
export async function systemAuthFor(db: Queryable, actor: string): Promise<AuthContext> {
  const { rows } = await db.query<{ code: string }>(
    "SELECT code FROM cells WHERE level = 'district' AND retired_at IS NULL",
  );
  return systemAuth(
    actor,
    rows.map((r) => r.code),
  );
}

export interface LoginResult {
  sessionId: string;
  csrfToken: string;
  auth: AuthContext;
}

/**
 * Checks a password with per-account and per-IP throttling. Unknown users and wrong
 * passwords take the same path (and time) and get the same answer.
 */
export async function login(
  pool: Pool,
  settings: AuthSettings,
  username: string,
  password: string,
  origin: RequestOrigin,
): Promise<LoginResult> {
  const failures = await sql.countRecentFailures(pool, username, origin.ip, settings.lockoutWindowSeconds);
  const lockedUntil = lockoutEnd(failures, settings);
  if (lockedUntil) {
    const retryAfterSeconds = Math.max(1, Math.ceil((lockedUntil.getTime() - Date.now()) / 1000));
    await recordAudit(pool, {
      actorUserId: null,
      actor: username,
      action: "auth.login_locked",
      ip: origin.ip,
      requestId: origin.requestId,
      details: { accountFailures: failures.account, ipFailures: failures.ip },
    });
    throw new AppError(
      429,
      "locked_out",
      `Too many failed logins. Try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s).`,
      { retryAfterSeconds },
    );
  }
  const user = await sql.selectUserByUsername(pool, username);
  const passwordOk = await verifyPassword(user?.password_hash ?? null, password);
  if (!user || !passwordOk || user.disabled) {
    await withTransaction(pool, async (db) => {
      await sql.insertLoginAttempt(db, username, origin.ip, false);
      await recordAudit(db, {
        actorUserId: user?.id ?? null,
        actor: username,
        action: "auth.login_failed",
        ip: origin.ip,
        requestId: origin.requestId,
        details: { reason: user?.disabled && passwordOk ? "disabled" : "invalid_credentials" },
      });
    });
    throw new AppError(401, "invalid_credentials", "Wrong username or password.");
  }
  const sessionId = randomToken();
  const csrfToken = randomToken(24);
  await withTransaction(pool, async (db) => {
    await sql.insertLoginAttempt(db, username, origin.ip, true);
    await sql.insertSession(db, {
      idHash: sha256(sessionId),
      userId: user.id,
      csrfToken,
      ttlHours: settings.sessionTtlHours,
      ip: origin.ip,
      userAgent: origin.userAgent,
    });
    await recordAudit(db, {
      actorUserId: user.id,
      actor: user.username,
      action: "auth.login",
      ip: origin.ip,
      requestId: origin.requestId,
    });
  });
  return { sessionId, csrfToken, auth: authFromUser(user, { idHash: sha256(sessionId), csrfToken }) };
}

function lockoutEnd(
  failures: Awaited<ReturnType<typeof sql.countRecentFailures>>,
  settings: AuthSettings,
): Date | null {
  const ends: number[] = [];
  if (failures.account >= settings.maxAccountFailures && failures.oldestAccount) {
    ends.push(failures.oldestAccount.getTime() + settings.lockoutWindowSeconds * 1000);
  }
  if (failures.ip >= settings.maxIpFailures && failures.oldestIp) {
    ends.push(failures.oldestIp.getTime() + settings.lockoutWindowSeconds * 1000);
  }
  return ends.length ? new Date(Math.max(...ends)) : null;
}

export async function logout(pool: Pool, auth: AuthContext, origin: RequestOrigin): Promise<void> {
  if (!auth.sessionIdHash) return;
  await withTransaction(pool, async (db) => {
    await sql.revokeSession(db, auth.sessionIdHash!);
    await recordAudit(db, {
      actorUserId: auth.userId,
      actor: auth.actor,
      action: "auth.logout",
      ip: origin.ip,
      requestId: origin.requestId,
    });
  });
}

export async function authFromSessionCookie(db: Queryable, sessionId: string): Promise<AuthContext | null> {
  const idHash = sha256(sessionId);
  const session = await sql.selectLiveSession(db, idHash);
  if (!session) return null;
  const user = await sql.selectUserById(db, session.user_id);
  if (!user || user.disabled) return null;
  return authFromUser(user, { idHash, csrfToken: session.csrf_token });
}

/**
 * The secret last found to match each cached token row. The row object lives as long as the
 * token cache keeps it (API_TOKEN_CACHE_MS, dropped at once on a revoke here), so a device
 * pushing many times a second is hashed once per row load instead of once per request; a
 * reloaded row, a revoke or an expiry works exactly as before (the row must still be served).
 */
const verifiedSecrets = new WeakMap<sql.TokenRow, string>();

function secretMatches(row: sql.TokenRow, secret: string): boolean {
  const verified = verifiedSecrets.get(row);
  if (verified !== undefined && sameText(verified, secret)) return true;
  const given = Buffer.from(sha256(secret));
  const stored = Buffer.from(row.secret_hash);
  if (given.length !== stored.length || !timingSafeEqual(given, stored)) return false;
  verifiedSecrets.set(row, secret);
  return true;
}

/**
 * Equality that looks at every character whatever the first difference, so its time tells
 * nothing of how much of a guess was right (only whether its length is the issued one; all
 * issued secrets have the same length). A mismatch then pays the hash as before.
 */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/** API tokens look like `gto_<id>_<secret>`; only a hash of the secret is stored. */
export async function authFromBearerToken(db: Queryable, token: string): Promise<AuthContext | null> {
  const match = /^gto_(\d{1,12})_([A-Za-z0-9_-]{20,100})$/.exec(token);
  if (!match) return null;
  const row = await tokenCacheOf(db).get(Number(match[1]), (id) => sql.selectUsableToken(db, id));
  if (!row) return null;
  // A cached row may have expired since the database returned it.
  if (row.expires_at && row.expires_at.getTime() <= Date.now()) return null;
  if (!secretMatches(row, match[2]!)) return null;
  return {
    kind: "token",
    userId: null,
    tokenId: row.id,
    actor: `token:${row.id}:${row.name}`,
    displayName: row.name,
    roles: [],
    permissions: new Set(row.permissions as Permission[]),
    cellCodes: row.cell_codes,
    cameraIds: row.camera_ids,
    sessionIdHash: null,
    csrfToken: null,
  };
}

export interface NewToken {
  name: string;
  permissions: Permission[];
  cellCodes: string[];
  cameraIds: string[] | null;
  expiresAt: Date | null;
}

export async function createApiToken(
  pool: Pool,
  actor: AuthContext,
  input: NewToken,
  origin: RequestOrigin,
): Promise<{ id: number; token: string }> {
  // A token can never hold more than its creator: no granting plate access one lacks oneself.
  const beyond = input.permissions.filter((p) => !actor.permissions.has(p));
  if (beyond.length) {
    throw new AppError(
      403,
      "permission_not_held",
      `You cannot grant permissions you do not hold: ${beyond.join(", ")}.`,
      {
        permissions: beyond,
      },
    );
  }
  const secret = randomToken(30);
  const id = await withTransaction(pool, async (db) => {
    for (const cell of input.cellCodes) {
      if (!(await sql.cellIsWithin(db, cell, actor.cellCodes))) {
        throw new AppError(
          403,
          "cell_not_held",
          `Cell ${cell} is outside your cells; a token cannot reach beyond its creator.`,
        );
      }
    }
    const tokenId = await sql.insertToken(db, {
      name: input.name,
      secretHash: sha256(secret),
      permissions: input.permissions,
      cellCodes: input.cellCodes,
      cameraIds: input.cameraIds,
      expiresAt: input.expiresAt,
      createdBy: actor.userId,
    });
    await recordAudit(db, {
      actorUserId: actor.userId,
      actor: actor.actor,
      action: "token.create",
      targetType: "api_token",
      targetId: String(tokenId),
      ip: origin.ip,
      requestId: origin.requestId,
      details: {
        name: input.name,
        permissions: input.permissions,
        cellCodes: input.cellCodes,
        cameraIds: input.cameraIds,
      },
    });
    return tokenId;
  });
  return { id, token: `gto_${id}_${secret}` };
}

export async function revokeApiToken(pool: Pool, actor: AuthContext, id: number, origin: RequestOrigin) {
  await withTransaction(pool, async (db) => {
    if (!(await sql.markTokenRevoked(db, id))) throw notFound("Active API token", String(id));
    await recordAudit(db, {
      actorUserId: actor.userId,
      actor: actor.actor,
      action: "token.revoke",
      targetType: "api_token",
      targetId: String(id),
      ip: origin.ip,
      requestId: origin.requestId,
    });
  });
  // After COMMIT: from here on this process asks the database, which says revoked.
  tokenCacheOf(pool).forget(id);
}

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  roles: Role[];
  cellCodes: string[];
}

export async function createUser(
  db: Queryable,
  actor: { userId: number | null; actor: string },
  input: NewUser,
  origin?: RequestOrigin,
) {
  const problem = passwordProblem(input.password);
  if (problem) throw badRequest("weak_password", problem, { field: "password" });
  if (await sql.selectUserByUsername(db, input.username)) {
    throw conflict("username_taken", `The username "${input.username}" is already in use.`);
  }
  const id = await sql.insertUser(db, {
    username: input.username,
    displayName: input.displayName,
    passwordHash: await hashPassword(input.password),
  });
  await sql.replaceUserRoles(db, id, input.roles);
  await sql.replaceUserCells(db, id, input.cellCodes);
  await recordAudit(db, {
    actorUserId: actor.userId,
    actor: actor.actor,
    action: "user.create",
    targetType: "user",
    targetId: String(id),
    ip: origin?.ip ?? null,
    requestId: origin?.requestId ?? null,
    details: { username: input.username, roles: input.roles, cellCodes: input.cellCodes },
  });
  return id;
}

export interface UserChange {
  displayName?: string | undefined;
  disabled?: boolean | undefined;
  password?: string | undefined;
  roles?: Role[] | undefined;
  cellCodes?: string[] | undefined;
}

/** Password, role and cell changes revoke the user's sessions: they must log in again. */
export async function updateUser(
  pool: Pool,
  actor: AuthContext,
  userId: number,
  change: UserChange,
  origin: RequestOrigin,
) {
  await withTransaction(pool, async (db) => {
    const before = await sql.selectUserById(db, userId);
    if (!before) throw notFound("User", String(userId));
    if (change.password !== undefined) {
      const problem = passwordProblem(change.password);
      if (problem) throw badRequest("weak_password", problem, { field: "password" });
      await sql.updateUserPassword(db, userId, await hashPassword(change.password));
    }
    if (change.roles) await sql.replaceUserRoles(db, userId, change.roles);
    if (change.cellCodes) await sql.replaceUserCells(db, userId, change.cellCodes);
    await sql.updateUserProfile(db, userId, change);
    const revokes = change.password !== undefined || change.roles || change.cellCodes || change.disabled;
    const revoked = revokes ? await sql.revokeUserSessions(db, userId) : 0;
    await recordAudit(db, {
      actorUserId: actor.userId,
      actor: actor.actor,
      action: "user.update",
      targetType: "user",
      targetId: String(userId),
      ip: origin.ip,
      requestId: origin.requestId,
      details: {
        username: before.username,
        passwordChanged: change.password !== undefined,
        roles: change.roles ? { from: before.roles, to: change.roles } : undefined,
        cellCodes: change.cellCodes ? { from: before.cell_codes, to: change.cellCodes } : undefined,
        displayName: change.displayName,
        disabled: change.disabled,
        sessionsRevoked: revoked,
      },
    });
  });
}

export async function cellVisible(db: Queryable, auth: AuthContext, cellCode: string): Promise<boolean> {
  return sql.cellIsWithin(db, cellCode, auth.cellCodes);
}

export function csrfMatches(auth: AuthContext, header: string | undefined): boolean {
  if (!auth.csrfToken || !header) return false;
  const a = Buffer.from(auth.csrfToken);
  const b = Buffer.from(header);
  return a.length === b.length && timingSafeEqual(a, b);
}
