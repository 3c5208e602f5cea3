import type { Queryable } from "../../db/pool.js";
import type { Role } from "./permissions.js";

export interface UserRow {
  id: number;
  username: string;
  display_name: string;
  password_hash: string;
  disabled: boolean;
  roles: Role[];
  cell_codes: string[];
}

const userColumns = `u.id, u.username, u.display_name, u.password_hash, u.disabled,
  coalesce((SELECT array_agg(role ORDER BY role) FROM user_roles r WHERE r.user_id = u.id), '{}') AS roles,
  coalesce((SELECT array_agg(cell_code ORDER BY cell_code) FROM user_cells c WHERE c.user_id = u.id), '{}') AS cell_codes`;

export async function selectUserByUsername(db: Queryable, username: string): Promise<UserRow | null> {
  const { rows } = await db.query<UserRow>(`SELECT ${userColumns} FROM users u WHERE u.username = $1`, [
    username,
  ]);
  return rows[0] ?? null;
}

export async function selectUserById(db: Queryable, id: number): Promise<UserRow | null> {
  const { rows } = await db.query<UserRow>(`SELECT ${userColumns} FROM users u WHERE u.id = $1`, [id]);
  return rows[0] ?? null;
}

export async function selectUsers(db: Queryable): Promise<UserRow[]> {
  const { rows } = await db.query<UserRow>(`SELECT ${userColumns} FROM users u ORDER BY u.username`);
  return rows;
}

export async function insertUser(
  db: Queryable,
  u: { username: string; displayName: string; passwordHash: string },
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    "INSERT INTO users (username, display_name, password_hash) VALUES ($1, $2, $3) RETURNING id",
    [u.username, u.displayName, u.passwordHash],
  );
  return rows[0]!.id;
}

export async function replaceUserRoles(db: Queryable, userId: number, roles: readonly Role[]): Promise<void> {
  await db.query("DELETE FROM user_roles WHERE user_id = $1", [userId]);
  await db.query("INSERT INTO user_roles (user_id, role) SELECT $1, unnest($2::text[])", [userId, roles]);
}

export async function replaceUserCells(
  db: Queryable,
  userId: number,
  cellCodes: readonly string[],
): Promise<void> {
  await db.query("DELETE FROM user_cells WHERE user_id = $1", [userId]);
  await db.query("INSERT INTO user_cells (user_id, cell_code) SELECT $1, unnest($2::text[])", [
    userId,
    cellCodes,
  ]);
}

export async function updateUserPassword(db: Queryable, userId: number, passwordHash: string): Promise<void> {
  await db.query(
    "UPDATE users SET password_hash = $2, password_changed_at = now(), updated_at = now() WHERE id = $1",
    [userId, passwordHash],
  );
}

export async function updateUserProfile(
  db: Queryable,
  userId: number,
  patch: { displayName?: string | undefined; disabled?: boolean | undefined },
): Promise<void> {
  await db.query(
    `UPDATE users SET display_name = coalesce($2, display_name), disabled = coalesce($3, disabled), updated_at = now()
      WHERE id = $1`,
    [userId, patch.displayName ?? null, patch.disabled ?? null],
  );
}

export async function insertSession(
  db: Queryable,
  s: {
    idHash: string;
    userId: number;
    csrfToken: string;
    ttlHours: number;
    ip: string | null;
    userAgent: string | null;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO sessions (id_hash, user_id, csrf_token, expires_at, ip, user_agent)
     VALUES ($1, $2, $3, now() + make_interval(secs => $4 * 3600), $5::inet, $6)`,
    [s.idHash, s.userId, s.csrfToken, s.ttlHours, s.ip, s.userAgent?.slice(0, 300) ?? null],
  );
}

export interface SessionRow {
  user_id: number;
  csrf_token: string;
}

export async function selectLiveSession(db: Queryable, idHash: string): Promise<SessionRow | null> {
  const { rows } = await db.query<SessionRow & { last_seen_at: Date }>(
    "SELECT user_id, csrf_token, last_seen_at FROM sessions WHERE id_hash = $1 AND revoked_at IS NULL AND expires_at > now()",
    [idHash],
  );
  const row = rows[0];
  if (!row) return null;
  // Like tokens: record activity at most once a minute instead of writing on every request.
  if (Date.now() - row.last_seen_at.getTime() > 60_000) {
    await db.query("UPDATE sessions SET last_seen_at = now() WHERE id_hash = $1", [idHash]);
  }
  return { user_id: row.user_id, csrf_token: row.csrf_token };
}

export async function revokeSession(db: Queryable, idHash: string): Promise<void> {
  await db.query("UPDATE sessions SET revoked_at = now() WHERE id_hash = $1 AND revoked_at IS NULL", [
    idHash,
  ]);
}

export async function revokeUserSessions(db: Queryable, userId: number): Promise<number> {
  const { rowCount } = await db.query(
    "UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL",
    [userId],
  );
  return rowCount ?? 0;
}

export async function insertLoginAttempt(
  db: Queryable,
  username: string,
  ip: string | null,
  success: boolean,
) {
  await db.query("INSERT INTO login_attempts (username, ip, success) VALUES ($1, $2::inet, $3)", [
    username,
    ip,
    success,
  ]);
}

/** Failures since the last success within the window, per account and per IP, and the oldest counted. */
export async function countRecentFailures(
  db: Queryable,
  username: string,
  ip: string | null,
  windowSeconds: number,
): Promise<{ account: number; ip: number; oldestAccount: Date | null; oldestIp: Date | null }> {
  const { rows } = await db.query<{
    account: number;
    ip: number;
    oldest_account: Date | null;
    oldest_ip: Date | null;
  }>(
    `WITH win AS (SELECT now() - make_interval(secs => $3) AS since),
     acct AS (
       SELECT at FROM login_attempts, win WHERE username = $1 AND NOT success AND at > win.since
         AND at > coalesce((SELECT max(at) FROM login_attempts WHERE username = $1 AND success), '-infinity')),
     byip AS (SELECT at FROM login_attempts, win WHERE $2::inet IS NOT NULL AND ip = $2::inet AND NOT success AND at > win.since)
     SELECT (SELECT count(*) FROM acct)::int AS account, (SELECT count(*) FROM byip)::int AS ip,
            (SELECT min(at) FROM acct) AS oldest_account, (SELECT min(at) FROM byip) AS oldest_ip`,
    [username, ip, windowSeconds],
  );
  const r = rows[0]!;
  return { account: r.account, ip: r.ip, oldestAccount: r.oldest_account, oldestIp: r.oldest_ip };
}

export interface TokenRow {
  id: number;
  name: string;
  secret_hash: string;
  permissions: string[];
  cell_codes: string[];
  camera_ids: string[] | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  created_at: Date;
}

export async function insertToken(
  db: Queryable,
  t: {
    name: string;
    secretHash: string;
    permissions: string[];
    cellCodes: string[];
    cameraIds: string[] | null;
    expiresAt: Date | null;
    createdBy: number | null;
  },
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO api_tokens (name, secret_hash, permissions, cell_codes, camera_ids, expires_at, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [t.name, t.secretHash, t.permissions, t.cellCodes, t.cameraIds, t.expiresAt, t.createdBy],
  );
  return rows[0]!.id;
}

export async function selectUsableToken(db: Queryable, id: number): Promise<TokenRow | null> {
  const { rows } = await db.query<TokenRow>(
    "SELECT * FROM api_tokens WHERE id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())",
    [id],
  );
  const row = rows[0] ?? null;
  // Touch last_used_at at most once a minute: a write per request would serialise a busy
  // device's pushes on the token's row lock.
  if (row && (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000)) {
    await db.query(
      "UPDATE api_tokens SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')",
      [id],
    );
  }
  return row;
}

export async function selectTokens(db: Queryable): Promise<TokenRow[]> {
  const { rows } = await db.query<TokenRow>("SELECT * FROM api_tokens ORDER BY id");
  return rows;
}

export async function markTokenRevoked(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query(
    "UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL",
    [id],
  );
  return (rowCount ?? 0) > 0;
}

export async function cellIsWithin(
  db: Queryable,
  cellCode: string,
  scopeRoots: readonly string[],
): Promise<boolean> {
  const { rows } = await db.query<{ inside: boolean }>(
    "SELECT path && $2::text[] AS inside FROM cells WHERE code = $1",
    [cellCode, scopeRoots],
  );
  return rows[0]?.inside ?? false;
}

export interface CellUser {
  userId: number;
  username: string;
  displayName: string;
}

/**
 * Enabled users holding one of `roles` whose cells include `cellCode` or one of its ancestors
 * (so they can see it); with a null cell, every such user. `onlyUserId` narrows to one user
 * (the check before an assignment). Feeds assignment pickers, so bounded.
 */
export async function selectUsersCoveringCell(
  db: Queryable,
  cellCode: string | null,
  roles: readonly string[],
  onlyUserId: number | null = null,
): Promise<CellUser[]> {
  const { rows } = await db.query<CellUser>(
    `SELECT u.id AS "userId", u.username, u.display_name AS "displayName" FROM users u
      WHERE NOT u.disabled AND ($3::bigint IS NULL OR u.id = $3)
        AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = ANY ($2::text[]))
        AND ($1::text IS NULL OR EXISTS (SELECT 1 FROM user_cells uc JOIN cells c ON c.code = $1
                                          WHERE uc.user_id = u.id AND uc.cell_code = ANY (c.path)))
      ORDER BY u.username LIMIT 500`,
    [cellCode, roles, onlyUserId],
  );
  return rows;
}
