import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../server/src/test-support/http-client.js";
import { startTestServer } from "../../server/src/test-support/test-server.js";
import {
  ensureWebBuilt,
  launchSharedChromium,
  openLeaderView,
  type SharedChromium,
  signIn,
  waitForCommandMap,
} from "./browser.js";
import { firstCellOf, reportIncidentIn } from "./fixtures.js";

/**
 * The "within 1 s" checks, with the 1 s bound itself. This file runs in its own
 * vitest project after every other file (vitest.config.ts, `groupOrder`), so the browsers
 * share the 2 cores with nothing but this server: run next to other browser tests, the same
 * path measured 1.1-2 s from CPU starvation alone. The measured latency is in each message.
 */
type Running = Awaited<ReturnType<typeof startTestServer>>;
const TARGET_MS = 1000;
const PHONE = { width: 390, height: 844 };

let server: Running;
let chromium: SharedChromium;
let commander: Page;
let leader1: Page;
let leader2: Page;
let operator: TestClient;
let cell1: string;
let cell2: string;

const queueIds = (page: Page) => page.evaluate(() => window.__gridopsLeader?.queueIds() ?? []);

/** Milliseconds from `since` until the leader's queue lists the incident (polled every 20 ms, so an over-estimate). */
async function queuedAfter(page: Page, id: number, since: number): Promise<number> {
  await page.waitForFunction((want) => window.__gridopsLeader?.queueIds().includes(want), id, {
    timeout: 10_000,
    polling: 20,
  });
  return Date.now() - since;
}

beforeAll(async () => {
  await ensureWebBuilt();
  server = await startTestServer({ demo: true });
  operator = await TestClient.loggedIn(server.url, "operator", server.demoPassword);
  [cell1, cell2] = await Promise.all([
    firstCellOf(server.url, "leader1", server.demoPassword),
    firstCellOf(server.url, "leader2", server.demoPassword),
  ]);
  chromium = await launchSharedChromium();
  commander = await chromium.newPage();
  leader1 = await chromium.newPage({ viewport: PHONE });
  leader2 = await chromium.newPage({ viewport: PHONE, locale: "en" });
  await signIn(commander, server.url, "commander", server.demoPassword);
  await Promise.all([
    waitForCommandMap(commander),
    openLeaderView(leader1, server.url, "leader1", server.demoPassword),
    openLeaderView(leader2, server.url, "leader2", server.demoPassword),
  ]);
}, 180_000);

afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

describe("an incident created over the API, live in the browsers", () => {
  it("is on the commander's map and list and in the right grid leader's queue within 1 s, and not in another leader's", async () => {
    const before = Date.now();
    const mine = await reportIncidentIn(operator, cell1, "overflowing bins by the school gate");
    const [leaderMs] = await Promise.all([
      queuedAfter(leader1, mine, before),
      commander.waitForFunction(
        (want) => {
          const shown = window.__gridops?.live?.shownAt(want);
          return shown?.map != null && shown.list != null;
        },
        mine,
        { timeout: 10_000 },
      ),
    ]);
    // The page stamps when the incident reached the map's source and the list (wall clock).
    const shown = await commander.evaluate((want) => window.__gridops?.live?.shownAt(want), mine);
    const latency = {
      map: (shown?.map ?? Number.POSITIVE_INFINITY) - before,
      list: (shown?.list ?? Number.POSITIVE_INFINITY) - before,
      leader: leaderMs,
    };
    console.info(`live latency (ms): ${JSON.stringify(latency)}`);
    expect(latency.map, JSON.stringify(latency)).toBeLessThan(TARGET_MS);
    expect(latency.list, JSON.stringify(latency)).toBeLessThan(TARGET_MS);
    expect(latency.leader, JSON.stringify(latency)).toBeLessThan(TARGET_MS);

    // Events arrive in order: once leader2 has a later incident in its grid, it would also
    // have had the first one if it were going to get it.
    const before2 = Date.now();
    const theirs = await reportIncidentIn(operator, cell2, "broken street light");
    const leader2Ms = await queuedAfter(leader2, theirs, before2);
    expect(leader2Ms, `leader2 queue after ${leader2Ms} ms`).toBeLessThan(TARGET_MS);
    expect(await queueIds(leader2)).not.toContain(mine);
    expect(await queueIds(leader1)).not.toContain(theirs);
  });
});
