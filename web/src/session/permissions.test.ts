import { describe, expect, it } from "vitest";
import type { Session } from "../api/schemas.js";
import { can, uiCapabilities } from "./permissions.js";

const session = (permissions: string[]): Session => ({
  user: { id: 1, username: "u", displayName: "U" },
  roles: [],
  permissions,
  cells: [],
});

describe("permissions", () => {
  it("allows plate features only with plates:search", () => {
    expect(uiCapabilities(session(["plates:search", "cameras:read"])).plateSearch).toBe(true);
    expect(uiCapabilities(session(["cameras:read", "cameras:write"])).plateSearch).toBe(false);
  });
  it("does not treat a prefix as the permission", () => {
    expect(can(session(["plates:search:own"]), "plates:search")).toBe(false);
  });
  it("shows a technician the map layers but no plate UI", () => {
    const technician = session([
      "cells:read",
      "checkpoints:read",
      "cameras:read",
      "health:read",
      "tickets:edit",
    ]);
    expect(uiCapabilities(technician)).toEqual({
      cells: true,
      checkpoints: true,
      cameras: true,
      plateSearch: false,
    });
  });
  it("hides a layer whose read permission is missing", () => {
    expect(uiCapabilities(session(["cells:read"]))).toMatchObject({ cells: true, cameras: false });
  });
  it("allows nothing without a session", () => {
    expect(Object.values(uiCapabilities(null)).every((allowed) => !allowed)).toBe(true);
  });
});
