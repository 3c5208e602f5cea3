import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTransaction } from "../../db/pool.js";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";
import { createUser } from "../auth/auth.service.js";
import type { AuthContext } from "../auth/auth-context.js";
import { checkCellCode, loadCodeScheme } from "./cell-code-scheme.js";
import { replaceCodeScheme } from "./cell-scheme.service.js";

let server: TestServer;
let admin: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  admin = await TestClient.loggedIn(server.url, "admin", server.demoPassword);
});
afterAll(() => server?.close());

const levels = (prefixes: number[], names = ["区", "街道", "社区", "网格"]) =>
  ["district", "street", "community", "grid"].slice(0, prefixes.length).map((level, i) => ({
    level,
    prefix_length: prefixes[i]!,
    name_zh: names[i]!,
    name_en: level,
  }));

/** Who changes the scheme on an install without users (as its setup would). */
const setupAuth: AuthContext = {
  kind: "token",
  userId: null,
  tokenId: null,
  actor: "test",
  displayName: "test",
  roles: ["admin"],
  permissions: new Set(["config:manage"]),
  cellCodes: [],
  cameraIds: null,
  sessionIdHash: null,
  csrfToken: null,
};
const setupAudit = { actorUserId: null, actor: "test", requestId: "test", ip: null };

describe("cell code scheme configuration", () => {
  it("renames levels while cells exist but refuses to change codes under them", async () => {
    const renamed = await admin.request("PUT", "/api/v1/cell-scheme", {
      levels: levels([6, 9, 12, 15], ["县", "镇", "村", "格"]),
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.levels.map((l: { nameZh: string }) => l.nameZh)).toEqual(["县", "镇", "村", "格"]);
    const changed = await admin.request("PUT", "/api/v1/cell-scheme", { levels: levels([6, 8, 10, 12]) });
    expect(changed.status).toBe(409);
    expect(changed.body.error.code).toBe("scheme_in_use");
    const bad = await admin.request("PUT", "/api/v1/cell-scheme", { levels: levels([6, 6, 12, 15]) });
    expect(bad.body.error.code).toBe("scheme_invalid");
    const leader = await TestClient.loggedIn(server.url, "leader1", server.demoPassword);
    expect(
      (await leader.request("PUT", "/api/v1/cell-scheme", { levels: levels([6, 9, 12, 15]) })).status,
    ).toBe(403);
  });

  it("sets a three-level, 12-digit scheme on an empty database", async () => {
    const empty = await startTestServer({ demo: false });
    try {
      await empty.db.pool.query("DELETE FROM cells");
      // An empty install has no users yet: call the service as the setup would.
      const scheme = await replaceCodeScheme(
        empty.db.pool,
        {
          auth: setupAuth,
          audit: setupAudit,
        },
        { levels: levels([6, 9, 12]).map((l, i) => (i === 2 ? { ...l, level: "grid" } : l)) },
      );
      expect(scheme.codeLength).toBe(12);
      const stored = await loadCodeScheme(empty.db.pool);
      expect(stored.levels.map((l) => l.level)).toEqual(["district", "street", "grid"]);
      expect(checkCellCode(stored, "110101001002", "grid", "110101001000")).toBeNull();
      expect(checkCellCode(stored, "110101001002000", "grid", "110101001000")?.code).toBe("code_format");
    } finally {
      await empty.close();
    }
  });

  it("filters the cell list by the configured levels, not a fixed four", async () => {
    const empty = await startTestServer({ demo: false });
    try {
      await empty.db.pool.query("DELETE FROM cells");
      const custom = [
        { level: "district", prefix_length: 6, name_zh: "县", name_en: "County" },
        { level: "township", prefix_length: 9, name_zh: "镇", name_en: "Township" },
        { level: "village", prefix_length: 12, name_zh: "村", name_en: "Village" },
      ];
      await replaceCodeScheme(empty.db.pool, { auth: setupAuth, audit: setupAudit }, { levels: custom });
      const square = "ST_Multi(ST_MakeEnvelope(120.0, 30.0, 120.01, 30.01, 4326))";
      await empty.db.pool.query(
        `INSERT INTO cells (code, name, level, parent_code, path, geom) VALUES
           ('330101000000', '县', 'district', NULL, ARRAY['330101000000'], ${square}),
           ('330101001000', '镇', 'township', '330101000000', ARRAY['330101000000', '330101001000'], ${square})`,
      );
      await withTransaction(empty.db.pool, (db) =>
        createUser(
          db,
          { userId: null, actor: "test" },
          {
            username: "county_admin",
            displayName: "county admin",
            password: "a long enough password 1",
            roles: ["admin"],
            cellCodes: ["330101000000"],
          },
        ),
      );
      const client = await TestClient.loggedIn(empty.url, "county_admin", "a long enough password 1");
      const townships = await client.get("/api/v1/cells?level=township");
      expect(townships.status).toBe(200);
      expect(townships.body.features.map((f: { id: string }) => f.id)).toEqual(["330101001000"]);
      const fixed = await client.get("/api/v1/cells?level=community");
      expect(fixed.status).toBe(400);
      expect(fixed.body.error.code).toBe("unknown_level");
      expect(fixed.body.error.message).toContain("district, township, village");
    } finally {
      await empty.close();
    }
  });
});
