import type { Session } from "../api/schemas.js";

/** Permission names the web app checks; the server enforces the same ones on every request. */
export const PERMISSION = {
  cellsRead: "cells:read",
  checkpointsRead: "checkpoints:read",
  camerasRead: "cameras:read",
  plateSearch: "plates:search",
} as const;

export type Permission = (typeof PERMISSION)[keyof typeof PERMISSION];

export function can(session: Session | null, permission: Permission): boolean {
  return session?.permissions.includes(permission) ?? false;
}

/** What parts of the UI to show for this session; views read this instead of raw permission strings. */
export interface UiCapabilities {
  cells: boolean;
  checkpoints: boolean;
  cameras: boolean;
  /** Plate search and plate details: only with plates:search (technicians and grid leaders never). */
  plateSearch: boolean;
}

export function uiCapabilities(session: Session | null): UiCapabilities {
  return {
    cells: can(session, PERMISSION.cellsRead),
    checkpoints: can(session, PERMISSION.checkpointsRead),
    cameras: can(session, PERMISSION.camerasRead),
    plateSearch: can(session, PERMISSION.plateSearch),
  };
}
