import type { AssignableUser, People } from "./cell-admin-schemas.js";

export type Assignment = "leader" | "worker";

/**
 * The candidates the server offered for an assignment (already: enabled, with the role, the
 * grid within their cells) less the grid's current leader and workers, by display name.
 */
export function assignableUsers(
  candidates: readonly AssignableUser[],
  people: Pick<People, "leader" | "workers">,
): AssignableUser[] {
  const taken = new Set([
    ...(people.leader ? [people.leader.user_id] : []),
    ...people.workers.map((w) => w.user_id),
  ]);
  return candidates
    .filter((u) => !taken.has(u.userId))
    .sort((a, b) => a.displayName.localeCompare(b.displayName) || a.username.localeCompare(b.username));
}

/** The chosen option's user id: a positive whole number, or null. */
export function parseUserId(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,9}$/.test(trimmed)) return null;
  const id = Number(trimmed);
  return id > 0 ? id : null;
}
