import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../server/src/test-support/http-client.js";
import { startTestServer } from "../../server/src/test-support/test-server.js";
import {
  collectProblems,
  ensureWebBuilt,
  launchSharedChromium,
  type SharedChromium,
  signIn,
  waitForCommandMap,
} from "./browser.js";
import { pointInCell } from "./fixtures.js";

type Running = Awaited<ReturnType<typeof startTestServer>>;

let server: Running;
let chromium: SharedChromium;
let commander: Page;
let operator: Page;
let api: TestClient;
let commanderProblems: string[];

const mapIds = (page: Page) => page.evaluate(() => window.__gridops?.live?.mapIncidentIds() ?? []);
const listIds = (page: Page) => page.evaluate(() => window.__gridops?.live?.listIncidentIds() ?? []);

async function createIncident(
  priority: "normal" | "high",
  cell: string,
): Promise<{ id: number; createdAt: number }> {
  const centre = await pointInCell(api, cell);
  // A few metres apart, so a click on the map hits the incident meant (they share a grid).
  const location = {
    lon: centre.lon + (Math.random() - 0.5) * 0.0004,
    lat: centre.lat + (Math.random() - 0.5) * 0.0004,
  };
  const res = await api.post("/api/v1/incidents", {
    category: "traffic.congestion",
    priority,
    location,
    description: `e2e ${priority} incident ${Math.random().toString(36).slice(2, 8)}`,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.incident.id as number, createdAt: Date.now() };
}

beforeAll(async () => {
  await ensureWebBuilt();
  server = await startTestServer({ demo: true });
  api = await TestClient.loggedIn(server.url, "operator", server.demoPassword);
  chromium = await launchSharedChromium();
  commander = await chromium.newPage();
  operator = await chromium.newPage({ locale: "en" });
  commanderProblems = collectProblems(commander);
  await signIn(commander, server.url, "commander", server.demoPassword);
  await signIn(operator, server.url, "operator", server.demoPassword);
  await Promise.all([waitForCommandMap(commander), waitForCommandMap(operator)]);
}, 180_000);

afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

describe("command map, live", () => {
  it("lands the commander on #/command with the nav for their views", async () => {
    expect(new URL(commander.url()).hash).toBe("#/command");
    await expect(commander.getByTestId("nav-command").textContent()).resolves.toBe("指挥地图");
  });

  it("alerts with a banner and a beep for a high-priority incident, and not when muted", async () => {
    const beeps = () => commander.evaluate(() => window.__gridops?.live?.beeps() ?? -1);
    const before = await beeps();
    const cell = (await api.get("/api/v1/auth/me")).body.cells[0] as string;
    const { id } = await createIncident("high", await firstGrid(cell));
    const banner = commander.getByTestId("alert-banner");
    await banner.waitFor({ state: "visible", timeout: 10_000 });
    await expect(banner.getAttribute("data-incident-id")).resolves.toBe(String(id));
    expect(await beeps()).toBe(before + 1);

    await commander.getByTestId("mute").click();
    // Count before creating: read afterwards, the new incident may already be in the store.
    const sizeBefore = await storeSize(commander);
    await createIncident("high", await firstGrid(cell));
    await commander.waitForFunction((n) => (window.__gridops?.live?.store.size ?? 0) >= n, sizeBefore + 1, {
      timeout: 20_000,
    });
    expect(await beeps()).toBe(before + 1);
    await commander.getByTestId("mute").click();
  }, 60_000);

  it("applies a dispatch made in one browser to the other, map and list alike", async () => {
    const cell = await firstGrid((await api.get("/api/v1/auth/me")).body.cells[0] as string);
    const { id } = await createIncident("normal", cell);
    await operator.waitForFunction((want) => window.__gridops?.live?.listIncidentIds().includes(want), id);
    await operator.locator(`[data-incident-id="${id}"]`).click();
    await operator.getByTestId("action-register").click();
    await operator.getByTestId("action-dispatch").waitFor({ timeout: 10_000 });
    await operator.getByTestId("action-dispatch").click();
    await expect
      .poll(() => operator.getByTestId("incident-state").textContent(), { timeout: 10_000 })
      .toBe("Dispatched");
    await commander.waitForFunction(
      (want) => window.__gridops?.live?.store.get(want)?.state === "dispatched",
      id,
      { timeout: 2000 },
    );
    // The list row says so too (zh-CN: 派遣).
    await expect
      .poll(() => commander.locator(`[data-incident-id="${id}"] .incident-row-meta`).textContent())
      .toContain("派遣");
  });

  it("filters by status, opens an incident from the list and shows its timeline", async () => {
    await commander.getByTestId("filter-status").selectOption("all");
    const ids = await listIds(commander);
    expect(ids.length).toBeGreaterThan(0);
    const id = ids[0]!;
    await commander.locator(`[data-incident-id="${id}"]`).click();
    await commander.getByTestId("timeline").waitFor();
    expect(await commander.getByTestId("timeline").locator("li").count()).toBeGreaterThan(0);
    await commander.getByTestId("detail-back").click();
    await commander.getByTestId("filter-status").selectOption("overdue");
    await expect.poll(() => listIds(commander)).toEqual([]);
    await expect.poll(() => mapIds(commander)).toEqual([]);
    await commander.getByTestId("filter-status").selectOption("open");
  });

  it("opens an incident clicked on the map (and no cell popup under it)", async () => {
    const cell = await firstGrid((await api.get("/api/v1/auth/me")).body.cells[0] as string);
    const { id } = await createIncident("normal", cell);
    await commander.waitForFunction((want) => window.__gridops?.live?.mapIncidentIds().includes(want), id);
    const target = await commander.evaluate(async (want) => {
      const hooks = window.__gridops;
      const item = hooks?.live?.store.get(want);
      if (!hooks || !item || item.lon === null || item.lat === null) throw new Error("incident not loaded");
      hooks.map.jumpTo({ center: [item.lon, item.lat], zoom: 17 });
      await new Promise((resolve) => hooks.map.once("idle", resolve));
      const point = hooks.map.project([item.lon, item.lat]);
      const box = hooks.map.getCanvas().getBoundingClientRect();
      return { x: box.left + point.x, y: box.top + point.y, reference: item.reference };
    }, id);
    await commander.mouse.click(target.x, target.y);
    await commander.getByTestId("incident-detail").locator(".incident-ref").waitFor({ timeout: 10_000 });
    await expect(
      commander.getByTestId("incident-detail").locator(".incident-ref").textContent(),
    ).resolves.toBe(target.reference);
    expect(await commander.locator(".maplibregl-popup").count()).toBe(0);
    await commander.getByTestId("detail-back").click();
  });

  it("replays: a moment before an incident was reported does not show it", async () => {
    const cell = await firstGrid((await api.get("/api/v1/auth/me")).body.cells[0] as string);
    const { id } = await createIncident("normal", cell);
    await commander.waitForFunction((want) => window.__gridops?.live?.mapIncidentIds().includes(want), id);
    await commander.getByTestId("replay-start").click();
    const slider = commander.getByTestId("replay-slider");
    // An hour ago: everything made by this test run did not exist yet.
    await slider.evaluate((input: HTMLInputElement) => {
      input.value = String(Date.now() - 3_600_000);
      input.dispatchEvent(new Event("input"));
    });
    await expect.poll(() => mapIds(commander)).not.toContain(id);
    await commander.getByTestId("replay-live").click();
    await expect.poll(() => mapIds(commander)).toContain(id);
    expect(commanderProblems).toEqual([]);
  });

  it("turns a cluster red when a member becomes overdue, by feature-state alone (decision 0128)", async () => {
    const result = await commander.evaluate(async () => {
      const hooks = window.__gridops;
      const live = hooks?.live;
      if (!hooks || !live) throw new Error("live layer not ready");
      const map = hooks.map;
      map.jumpTo({ zoom: 12 });
      // A spot in view with no other incident within 150 px, so the cluster holds only ours.
      const canvas = map.getCanvas();
      let spot: { x: number; y: number } | null = null;
      for (let x = 60; x < canvas.clientWidth - 60 && !spot; x += 40) {
        for (let y = 60; y < canvas.clientHeight - 60 && !spot; y += 40) {
          let free = true;
          for (const item of live.store.values()) {
            if (item.lon === null || item.lat === null) continue;
            const p = map.project([item.lon, item.lat]);
            if (Math.hypot(p.x - x, p.y - y) < 150) free = false;
          }
          if (free) spot = { x, y };
        }
      }
      if (!spot) throw new Error("no free spot on the map");
      const centre = map.unproject([spot.x, spot.y]);
      // Two incidents a few pixels apart at zoom 12: one cluster of two.
      const base = {
        cellCode: "e2e",
        category: "other",
        priority: "normal",
        state: "reported" as const,
        title: "cluster e2e",
        dueAt: null,
        overdue: false,
        updatedAt: new Date(1).toISOString(),
        reportedAt: null,
        closedAt: null,
        overdueAt: null,
        version: 1,
        allowedActions: null,
      };
      const ids = [900_000_001, 900_000_002];
      live.store.upsert(
        ids.map((id, i) => ({
          ...base,
          id,
          reference: `E2E-${i}`,
          lon: centre.lng + i * 0.0002,
          lat: centre.lat,
        })),
      );
      await live.layer.flush();
      await new Promise((resolve) => map.once("idle", resolve));
      const at = map.project(centre);
      const box: [[number, number], [number, number]] = [
        [at.x - 20, at.y - 20],
        [at.x + 30, at.y + 20],
      ];
      const layers = { layers: ["incidents-clusters"] };
      const before = map.queryRenderedFeatures(box, layers).find((f) => f.id === ids[0]);
      const applied = live.layer.applied;
      live.store.upsert([
        {
          ...base,
          id: ids[1] as number,
          reference: "E2E-1",
          lon: centre.lng + 0.0002,
          lat: centre.lat,
          overdue: true,
          updatedAt: new Date(2).toISOString(),
        },
      ]);
      await live.layer.flush();
      const workerTrips = live.layer.applied - applied;
      map.triggerRepaint();
      await new Promise((resolve) => map.once("idle", resolve));
      const after = map.queryRenderedFeatures(box, layers).find((f) => f.id === ids[0]);
      const pointState = map.getFeatureState({ source: "incidents", id: ids[1] as number });
      // Leave the map as it was for the other tests.
      live.store.upsert(
        ids.map((id) => ({
          ...base,
          id,
          reference: "E2E",
          lon: centre.lng,
          lat: centre.lat,
          state: "closed" as const,
          updatedAt: new Date(3).toISOString(),
        })),
      );
      await live.layer.flush();
      return {
        before: before ? { count: before.properties.count, alert: before.state.alert } : null,
        after: after ? { count: after.properties.count, alert: after.state.alert } : null,
        pointState,
        workerTrips,
      };
    });
    expect(result.before).toEqual({ count: 2, alert: false });
    expect(result.after).toEqual({ count: 2, alert: true });
    expect(result.pointState).toMatchObject({ overdue: true });
    expect(result.workerTrips).toBe(0);
  });
});

async function storeSize(page: Page): Promise<number> {
  return page.evaluate(() => window.__gridops?.live?.store.size ?? 0);
}

/** A grid under `cell` (the operator's scope is the whole district). */
async function firstGrid(cell: string): Promise<string> {
  const res = await api.get(`/api/v1/cells?limit=5000`);
  const grid = (res.body.features as { properties: { code: string; level: string } }[]).find(
    (f) => f.properties.level === "grid" && f.properties.code.startsWith(cell.replace(/0+$/, "")),
  );
  if (!grid) throw new Error(`no grid under ${cell}`);
  return grid.properties.code;
}
