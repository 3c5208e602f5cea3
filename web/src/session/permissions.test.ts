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
  it("allows nothing without a session", () => {
    expect(uiCapabilities(null)).toEqual({ plateSearch: false });
  });
});
