import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../server/src/test-support/http-client.js";
import { startTestServer } from "../../server/src/test-support/test-server.js";
import {
  collectProblems,
  ensureWebBuilt,
  launchSharedChromium,
  openLeaderView,
  type SharedChromium,
  signIn,
  waitForCommandMap,
} from "./browser.js";
import { firstCellOf, reportIncidentIn, tinyPng } from "./fixtures.js";

type Running = Awaited<ReturnType<typeof startTestServer>>;
const PHONE = { width: 390, height: 844 };

let server: Running;
let chromium: SharedChromium;
let leader1: Page;
let operator: TestClient;
let cell1: string;
let leaderProblems: string[];

async function transition(id: number, action: string): Promise<void> {
  const current = await operator.get(`/api/v1/incidents/${id}`);
  const res = await operator.post(`/api/v1/incidents/${id}/transitions`, {
    action,
    version: current.body.version,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

beforeAll(async () => {
  await ensureWebBuilt();
  server = await startTestServer({ demo: true });
  operator = await TestClient.loggedIn(server.url, "operator", server.demoPassword);
  cell1 = await firstCellOf(server.url, "leader1", server.demoPassword);
  chromium = await launchSharedChromium();
  leader1 = await chromium.newPage({ viewport: PHONE });
  leaderProblems = collectProblems(leader1);
  await openLeaderView(leader1, server.url, "leader1", server.demoPassword);
}, 180_000);

afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

describe("grid-leader view on a phone-sized screen", () => {
  it("lands a grid leader on #/leader and fits 390 px without sideways scrolling", async () => {
    expect(new URL(leader1.url()).hash).toBe("#/leader");
    const width = await leader1.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(PHONE.width);
  });

  it("sorts the queue by deadline and shows the time left", async () => {
    const ids = [
      await reportIncidentIn(operator, cell1, "overflowing bins by the school gate"),
      await reportIncidentIn(operator, cell1, "blocked drain on the lane"),
    ];
    await leader1.waitForFunction(
      (want) => want.every((id) => window.__gridopsLeader?.queueIds().includes(id)),
      ids,
    );
    const dueTimes = await leader1.evaluate(() => {
      const leader = window.__gridopsLeader;
      return (leader?.queueIds() ?? []).map((id) => leader?.store.get(id)?.dueAt ?? null);
    });
    // Earliest deadline first; incidents without a time limit last.
    const keys = dueTimes.map((due) => (due === null ? Number.POSITIVE_INFINITY : Date.parse(due)));
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
    const rows = leader1.locator(".leader-queue .time-left");
    expect(await rows.count()).toBeGreaterThan(0);
    await expect(rows.first().textContent()).resolves.toMatch(/剩余|已超期|无处置时限/);
  });

  it("accepts a dispatched incident and feeds back with a photo", async () => {
    const id = await reportIncidentIn(operator, cell1, "graffiti on the community noticeboard");
    await transition(id, "register");
    await transition(id, "dispatch");
    await leader1.waitForFunction(
      (want) => window.__gridopsLeader?.store.get(want)?.state === "dispatched",
      id,
      { timeout: 5000 },
    );
    await leader1.locator(`.leader-queue [data-incident-id="${id}"]`).click();
    await leader1.getByTestId("action-accept").click();
    await leader1.getByTestId("action-feed_back").waitFor({ timeout: 10_000 });
    await leader1.getByTestId("incident-note").fill("cleaned");
    await leader1
      .getByTestId("photo-input")
      .setInputFiles({ name: "after.png", mimeType: "image/png", buffer: tinyPng() });
    await leader1.getByTestId("action-feed_back").click();
    await expect
      .poll(() => leader1.getByTestId("incident-state").textContent(), { timeout: 10_000 })
      .toBe("反馈");
    const photo = leader1.getByTestId("timeline").locator("img");
    await photo.first().waitFor();
    const loaded = await photo
      .first()
      .evaluate((img: HTMLImageElement) =>
        img.complete
          ? img.naturalWidth
          : new Promise((resolve) => (img.onload = () => resolve(img.naturalWidth))),
      );
    expect(loaded).toBe(2);
    const server_ = await operator.get(`/api/v1/incidents/${id}`);
    expect(server_.body.state).toBe("fed_back");
  });

  it("files a zero report, and the commander's missing-reports list drops that grid", async () => {
    const commander = await chromium.newPage();
    await signIn(commander, server.url, "commander", server.demoPassword);
    await waitForCommandMap(commander);
    const missing = commander.getByTestId("missing-list").locator(`[data-cell="${cell1}"]`);
    const before = await commander.getByTestId("reports-summary").textContent();
    // The list shows the first grids only; make sure leader1's grid is among the missing.
    const listed = await missing.count();

    await leader1.getByTestId("detail-back").click();
    await leader1.getByTestId("tab-report").click();
    await leader1.getByTestId("zero-report").click();
    await leader1.getByTestId("report-filed").waitFor({ timeout: 10_000 });

    await expect
      .poll(() => commander.getByTestId("reports-summary").textContent(), { timeout: 5000 })
      .not.toBe(before);
    if (listed > 0) await expect.poll(() => missing.count(), { timeout: 5000 }).toBe(0);
    const reports = await operator.get("/api/v1/reports/missing");
    expect((reports.body.missing as { cellCode: string }[]).map((m) => m.cellCode)).not.toContain(cell1);
    await commander.context().close();
    expect(leaderProblems).toEqual([]);
  });
});
