import { describe, expect, it } from "vitest";
import type { TokenRecord, UserRecord } from "../../api/admin-api.js";
import { adminTabs } from "./admin-view.js";
import { KeysetPages } from "./audit-panel.js";
import { filterCells } from "./cell-picker.js";
import { parseCameraIds, tokenStatus } from "./tokens-panel.js";
import { userChange } from "./user-form.js";

const user: UserRecord = {
  id: 7,
  username: "leader9",
  displayName: "Leader 9",
  disabled: false,
  roles: ["grid_leader", "viewer"],
  cellCodes: ["330199001001001"],
};

describe("userChange", () => {
  it("sends only what changed, ignoring role order", () => {
    expect(
      userChange(user, {
        displayName: "Leader 9",
        disabled: true,
        password: "",
        roles: ["viewer", "grid_leader"],
        cellCodes: ["330199001001001"],
      }),
    ).toEqual({ disabled: true });
  });
  it("includes a new password and changed cells", () => {
    expect(userChange(user, { ...user, password: "n3w", cellCodes: ["330199001001002"] })).toEqual({
      password: "n3w",
      cellCodes: ["330199001001002"],
    });
  });
});

describe("parseCameraIds", () => {
  it("splits on commas, full-width commas and spaces, and drops duplicates", () => {
    expect(parseCameraIds("CAM-1, CAM-2，CAM-3 CAM-1")).toEqual({ ids: ["CAM-1", "CAM-2", "CAM-3"] });
  });
  it("means every camera when empty", () => {
    expect(parseCameraIds("  ")).toEqual({ ids: null });
  });
  it("names the first text that is not a camera id", () => {
    expect(parseCameraIds("CAM-1 cam/2")).toEqual({ invalid: "cam/2" });
  });
});

describe("tokenStatus", () => {
  const token: TokenRecord = {
    id: 1,
    name: "t",
    permissions: ["cells:read"],
    cellCodes: ["330199000000000"],
    cameraIds: null,
    createdAt: "2026-01-01T00:00:00Z",
    expiresAt: "2026-06-01T00:00:00Z",
    lastUsedAt: null,
    revokedAt: null,
  };
  it("is active before expiry, expired after, revoked whenever revoked", () => {
    expect(tokenStatus(token, new Date("2026-05-01T00:00:00Z"))).toBe("active");
    expect(tokenStatus(token, new Date("2026-06-01T00:00:00Z"))).toBe("expired");
    expect(
      tokenStatus({ ...token, revokedAt: "2026-02-01T00:00:00Z" }, new Date("2026-03-01T00:00:00Z")),
    ).toBe("revoked");
  });
});

describe("KeysetPages", () => {
  it("walks older by cursor and back to newer through the cursors it came by", () => {
    const pages = new KeysetPages();
    expect([pages.page, pages.cursor, pages.hasNewer]).toEqual([1, null, false]);
    pages.older(950);
    pages.older(900);
    expect([pages.page, pages.cursor]).toEqual([3, 900]);
    pages.newer();
    expect([pages.page, pages.cursor, pages.hasNewer]).toEqual([2, 950, true]);
    pages.newer();
    pages.newer();
    expect([pages.page, pages.cursor]).toEqual([1, null]);
    pages.older(10);
    pages.reset();
    expect(pages.cursor).toBeNull();
  });
});

describe("filterCells", () => {
  const cells = [
    { code: "330199001001001", name: "第1网格", nameEn: "Grid 1", level: "grid" },
    { code: "330199001001002", name: "第2网格", nameEn: "Grid 2", level: "grid" },
    { code: "330199002000000", name: "城东街道", nameEn: "Chengdong", level: "street" },
  ];
  it("matches a code prefix or a name in either language, selected cells first", () => {
    expect(filterCells(cells, "3301990010", new Set()).map((c) => c.code)).toEqual([
      "330199001001001",
      "330199001001002",
    ]);
    expect(filterCells(cells, "chengdong", new Set()).map((c) => c.code)).toEqual(["330199002000000"]);
    expect(filterCells(cells, "", new Set(["330199002000000"]))[0]?.code).toBe("330199002000000");
  });
});

describe("adminTabs", () => {
  it("offers only the tabs the permissions allow", () => {
    expect(adminTabs(["users:manage", "tokens:manage", "audit:read"])).toEqual([
      "users",
      "roles",
      "tokens",
      "audit",
    ]);
    expect(adminTabs(["audit:read"])).toEqual(["audit"]);
    expect(adminTabs(["cells:read"])).toEqual([]);
  });
});
