import fs from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../test-support/test-server.js";
import { openApiPath, renderOpenApiArtefacts, webTypesPath } from "./openapi-generate.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ demo: false });
});
afterAll(() => server?.close());

describe("OpenAPI document", () => {
  it("is served, valid in shape, and covers every registered route with its policy", async () => {
    const res = await fetch(`${server.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    // A JSON document walked by path in the assertions below; each step is checked as it goes.
    // biome-ignore lint/suspicious/noExplicitAny: walking untyped JSON
    const doc: any = await res.json();
    expect(doc.openapi).toBe("3.1.0");
    const ids = new Set<string>();
    for (const route of server.server.built.routes.routes) {
      const op = doc.paths[route.path.replace(/:(\w+)/g, "{$1}")]?.[route.method];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(ids.has(op.operationId)).toBe(false);
      ids.add(op.operationId);
      expect(op["x-gridops-policy"]).toBeDefined();
      for (const p of op.parameters) expect(["path", "query"]).toContain(p.in);
      if (route.definition.body)
        expect(op.requestBody.content["application/json"].schema.type).toBe("object");
    }
    const login = doc.paths["/api/v1/auth/login"].post;
    expect(login.requestBody.content["application/json"].schema.required).toEqual(["username", "password"]);
    expect(login.security).toEqual([]);
    const docs = await fetch(`${server.url}/api/docs`);
    expect(await docs.text()).toContain("/api/docs/reference.js");
  });

  it("matches the committed docs/api/openapi.json and web types (run `npm run openapi` after changing routes)", async () => {
    const { json, types } = await renderOpenApiArtefacts();
    expect(
      await fs.readFile(openApiPath, "utf8"),
      "docs/api/openapi.json is stale: run npm run openapi",
    ).toBe(json);
    expect(
      await fs.readFile(webTypesPath, "utf8"),
      "web/src/api/generated/openapi.ts is stale: run npm run openapi",
    ).toBe(types);
  });
});
