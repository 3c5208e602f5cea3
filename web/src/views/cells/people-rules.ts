import type { People } from "./cell-admin-schemas.js";

export interface PickableUser {
  id: number;
  username: string;
  displayName: string;
  disabled: boolean;
  roles: readonly string[];
}

export type Assignment = "leader" | "worker";

/**
 * Users the server would accept for an assignment (cell-people.service.ts): enabled, with the
 * role grid_leader for a leader, grid_worker or grid_leader for a worker, and not already the
 * grid's leader or one of its workers. Sorted by display name.
 */
export function assignableUsers(
  users: readonly PickableUser[],
  assignment: Assignment,
  people: Pick<People, "leader" | "workers">,
): PickableUser[] {
  const roles = assignment === "leader" ? ["grid_leader"] : ["grid_worker", "grid_leader"];
  const taken = new Set([
    ...(people.leader ? [people.leader.user_id] : []),
    ...people.workers.map((w) => w.user_id),
  ]);
  return users
    .filter((u) => !u.disabled && !taken.has(u.id) && u.roles.some((r) => roles.includes(r)))
    .sort((a, b) => a.displayName.localeCompare(b.displayName) || a.username.localeCompare(b.username));
}

/** A typed user id (the fallback when the caller may not list users): a positive whole number, or null. */
export function parseUserId(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,9}$/.test(trimmed)) return null;
  const id = Number(trimmed);
  return id > 0 ? id : null;
}
