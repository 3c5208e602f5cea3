import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createLogger } from "../logger.js";
import { errorHandler } from "./errors.js";
import { RouteRegistry } from "./route.js";
import { timestamp } from "./wire.js";

const documented = z.object({ id: z.number().int(), at: timestamp });
let body: unknown;

async function serve(checkResponses: boolean): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  const router = express.Router();
  const routes = new RouteRegistry(router, { cellVisible: async () => true }, checkResponses);
  routes.add({
    method: "get",
    path: "/thing",
    summary: "A thing",
    policy: { access: "public", why: "test" },
    response: documented,
    handler: () => body,
  });
  app.use(router);
  app.use(errorHandler(createLogger("silent")));
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/thing`, close: () => new Promise((r) => server.close(() => r())) };
}

describe("documented responses", () => {
  let checked: Awaited<ReturnType<typeof serve>>;
  let unchecked: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    checked = await serve(true);
    unchecked = await serve(false);
  });
  afterAll(async () => {
    await checked.close();
    await unchecked.close();
  });

  it("passes a body that matches the schema as JSON carries it (a Date becomes an ISO string)", async () => {
    body = { id: 7, at: new Date("2026-12-07T08:00:00Z") };
    const res = await fetch(checked.url);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: 7, at: "2026-12-07T08:00:00.000Z" });
  });

  it("turns a body the schema refuses into a 500 naming the field, when checking", async () => {
    body = { id: "7", at: "yesterday" };
    const res = await fetch(checked.url);
    expect(res.status).toBe(500);
    const error = ((await res.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe("undocumented_response");
    expect(error.message).toContain("GET /thing");
    expect(error.message).toContain("id:");
    expect(error.message).toContain("at:");
  });

  it("sends the body unchecked when checking is off (production)", async () => {
    body = { id: "7" };
    const res = await fetch(unchecked.url);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: "7" });
  });
});
