import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";
import { checkCellCode, loadCodeScheme } from "./cell-code-scheme.js";

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
      const { replaceCodeScheme } = await import("./cell-scheme.service.js");
      const scheme = await replaceCodeScheme(
        empty.db.pool,
        {
          auth: {
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
          },
          audit: { actorUserId: null, actor: "test", requestId: "test", ip: null },
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
});
