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
} from "./browser.js";

type Running = Awaited<ReturnType<typeof startTestServer>>;
type Feature = {
  geometry: { type: string; coordinates: number[][][] };
  properties: { code: string; level: string; parent_code: string | null };
};

let server: Running;
let chromium: SharedChromium;
let page: Page;
let admin: TestClient;
let problems: string[];
let community: Feature;
let grid: Feature;

/** Screen position (page coordinates) of a lon/lat on the cells map. */
async function screenAt(lon: number, lat: number): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ([lng, lt]) => {
      const map = window.__gridopsCells?.map;
      if (!map) throw new Error("no cells map");
      const point = map.project([lng as number, lt as number]);
      const box = map.getCanvas().getBoundingClientRect();
      return { x: box.left + point.x, y: box.top + point.y };
    },
    [lon, lat],
  );
}

function bbox(feature: Feature): [number, number, number, number] {
  const ring =
    feature.geometry.type === "Polygon"
      ? feature.geometry.coordinates[0]!
      : (feature.geometry.coordinates as unknown as number[][][][])[0]![0]!;
  const lons = ring.map((p) => p[0]!);
  const lats = ring.map((p) => p[1]!);
  return [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
}

beforeAll(async () => {
  await ensureWebBuilt();
  server = await startTestServer({ demo: true });
  admin = await TestClient.loggedIn(server.url, "admin", server.demoPassword);
  const all = (await admin.get("/api/v1/cells?limit=5000")).body.features as Feature[];
  grid = all.find((f) => f.properties.level === "grid")!;
  community = all.find((f) => f.properties.code === grid.properties.parent_code)!;
  chromium = await launchSharedChromium();
  page = await chromium.newPage({ locale: "en" });
  problems = collectProblems(page);
  await signIn(page, server.url, "admin", server.demoPassword);
  await page.goto(`${server.url}/#/cells`);
  await page.waitForFunction(() => window.__gridopsCells?.ready === true, null, { timeout: 60_000 });
}, 180_000);

afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

describe("cells view", () => {
  it("shows the cell tree and selects a cell from it", async () => {
    // The district is expanded; streets are listed below it.
    expect(await page.locator(".cell-tree li").count()).toBeGreaterThan(1);
    await page.evaluate((code) => window.__gridopsCells?.select(code), community.properties.code);
    await expect(page.getByTestId("cells-toolbar").locator("h2").textContent()).resolves.toContain(
      community.properties.code,
    );
    // Selecting expands the tree down to the cell; its grids are listed.
    await expect(page.getByTestId(`tree-${community.properties.code}`).count()).resolves.toBe(1);
    await expect(page.locator(`[data-code="${grid.properties.code}"]`).count()).resolves.toBe(1);
  });

  it("draws a child cell over an existing grid and sees the overlap on the map; nothing is saved", async () => {
    const before = (await admin.get("/api/v1/cells?limit=5000")).body.features.length as number;
    await page.getByTestId("draw-child").click();
    await page.getByTestId("new-cell-name").fill("Overlapping test grid");
    // A square in the middle of an existing grid: it must overlap that sibling.
    const [w, s, e, n] = bbox(grid);
    const cx = (w + e) / 2;
    const cy = (s + n) / 2;
    const dx = (e - w) / 5;
    const dy = (n - s) / 5;
    const corners = [
      [cx - dx, cy - dy],
      [cx + dx, cy - dy],
      [cx + dx, cy + dy],
      [cx - dx, cy + dy],
    ] as const;
    await page.waitForFunction(() => {
      const map = window.__gridopsCells?.map;
      return map !== undefined && !map.isMoving() && map.areTilesLoaded();
    });
    for (const [lon, lat] of corners) {
      const { x, y } = await screenAt(lon, lat);
      await page.mouse.click(x, y);
      await page.waitForTimeout(150);
    }
    const first = await screenAt(corners[0][0], corners[0][1]);
    await page.mouse.click(first.x, first.y);
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            window.__gridopsCells?.draw?.getSnapshot().filter((f) => f.geometry.type === "Polygon").length,
        ),
      )
      .toBe(1);

    await page.getByTestId("save-cell").click();
    await page.getByTestId("problem-list").waitFor({ timeout: 15_000 });
    const kinds = await page.evaluate(() => window.__gridopsCells?.problems().map((p) => p.kind) ?? []);
    expect(kinds).toContain("sibling_overlap");
    await expect(page.getByTestId("problem-list").textContent()).resolves.toContain(
      `Overlaps ${grid.properties.code}`,
    );
    await expect(page.getByTestId("cells-message").textContent()).resolves.toContain("Not saved");
    // The overlap is drawn on the map.
    const drawn = await page.evaluate(
      () => window.__gridopsCells?.map.querySourceFeatures("cell-problems").length ?? 0,
    );
    expect(drawn).toBeGreaterThan(0);
    const after = (await admin.get("/api/v1/cells?limit=5000")).body.features.length as number;
    expect(after).toBe(before);
    await page.getByTestId("cancel-edit").click();
  });

  it("snaps a corner placed near a neighbour's vertex exactly onto it", async () => {
    await page.getByTestId("draw-child").click();
    const ring =
      (grid.geometry.type === "Polygon"
        ? grid.geometry.coordinates[0]
        : (grid.geometry.coordinates as unknown as number[][][][])[0]?.[0]) ?? [];
    const vertex = ring[0] as [number, number];
    const [w, s, e, n] = bbox(grid);
    const cx = (w + e) / 2;
    const cy = (s + n) / 2;
    const near = await screenAt(vertex[0], vertex[1]);
    await page.mouse.click(near.x + 4, near.y + 3);
    await page.waitForTimeout(150);
    for (const [lon, lat] of [
      [cx, cy],
      [cx + (e - w) / 6, cy + (n - s) / 6],
    ] as const) {
      const { x, y } = await screenAt(lon, lat);
      await page.mouse.click(x, y);
      await page.waitForTimeout(150);
    }
    await page.mouse.click(near.x, near.y);
    const first = await page.evaluate(() => {
      const polygon = window.__gridopsCells?.draw?.getSnapshot().find((f) => f.geometry.type === "Polygon");
      return polygon ? (polygon.geometry.coordinates as number[][][])[0]?.[0] : null;
    });
    expect(first?.[0]).toBeCloseTo(vertex[0], 9);
    expect(first?.[1]).toBeCloseTo(vertex[1], 9);
    await page.getByTestId("cancel-edit").click();
  });

  it("runs the server's topology check on a cell and lists the result", async () => {
    await page.getByTestId("check").click();
    await page.getByTestId("cells-message").filter({ hasNotText: "Checking" }).waitFor({ timeout: 15_000 });
    const text = await page.getByTestId("cells-message").textContent();
    expect(text).toMatch(/No problems found|error\(s\)/);
    expect(problems).toEqual([]);
  });
});
