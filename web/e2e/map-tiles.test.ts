import type { GeoJSONSource } from "maplibre-gl";
import type { Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../server/src/test-support/http-client.js";
import { startTestServer } from "../../server/src/test-support/test-server.js";
import {
  collectProblems,
  ensureWebBuilt,
  launchSharedChromium,
  type SharedChromium,
  signIn,
  waitForMapIdle,
} from "./browser.js";
import { type LargeDistrict, loadLargeDistrict } from "./large-district.js";

// The command map on a district past the tile thresholds (web/src/sources/static-mode.ts):
// 2,250 grids (2,281 cells) and 6,750 cameras drawn from /tiles, 25 checkpoints as GeoJSON; and
// the same district seen by a commander of one community, small enough for GeoJSON.

type Running = Awaited<ReturnType<typeof startTestServer>>;

const PASSWORD = "large-district-e2e-9";
const TILE = /\/tiles\/(cells|checkpoints|cameras)\/(\d+)\/(\d+)\/(\d+)\.mvt$/;

let server: Running;
let district: LargeDistrict;
let chromium: SharedChromium;
let commander: Page;
let problems: string[];
const tileRequests: { layer: string; url: string; status: number | null }[] = [];
const layerDownloads: string[] = [];

/** Records tile and whole-layer requests a page makes (tiles come from MapLibre's worker). */
function watchRequests(page: Page, tiles: typeof tileRequests, downloads: string[]): void {
  page.on("requestfinished", (request: Request) => {
    const url = new URL(request.url());
    const tile = TILE.exec(url.pathname);
    if (tile?.[1]) {
      void request.response().then((response) => {
        tiles.push({ layer: tile[1] ?? "", url: url.pathname, status: response?.status() ?? null });
      });
    }
    if (/^\/api\/v1\/(cells|checkpoints|cameras)$/.test(url.pathname)) downloads.push(url.pathname);
  });
}

async function waitForReady(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__gridops?.ready === true, null, { timeout: 90_000 });
}

/** Jumps the map to a grid's middle at a zoom, waits until drawn, and returns that point on the page. */
async function focusGrid(page: Page, code: string, zoom: number): Promise<{ x: number; y: number }> {
  const grid = district.grids.find((g) => g.code === code);
  const ring = grid?.geometry?.coordinates[0]?.slice(0, -1) ?? [];
  const lon = ring.reduce((sum, p) => sum + p[0], 0) / ring.length;
  const lat = ring.reduce((sum, p) => sum + p[1], 0) / ring.length;
  return page.evaluate(
    async ({ center, z }) => {
      const map = window.__gridops?.map;
      if (!map) throw new Error("no map");
      map.jumpTo({ center, zoom: z });
      await new Promise((resolve) => map.once("idle", resolve));
      const point = map.project(center);
      const box = map.getCanvas().getBoundingClientRect();
      return { x: box.left + point.x, y: box.top + point.y };
    },
    { center: [lon, lat] as [number, number], z: zoom },
  );
}

beforeAll(async () => {
  await ensureWebBuilt();
  server = await startTestServer({ demo: false });
  district = await loadLargeDistrict(server.db.pool, {
    cols: 50,
    rows: 45,
    camerasPerGrid: 3,
    password: PASSWORD,
  });
  chromium = await launchSharedChromium();
  commander = await chromium.newPage();
  problems = collectProblems(commander);
  watchRequests(commander, tileRequests, layerDownloads);
  await signIn(commander, server.url, district.users.commander, PASSWORD);
  await waitForReady(commander);
}, 240_000);

afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

describe("command map on a large district: vector tiles", () => {
  it("draws cells and cameras from tiles, requested with the session, and checkpoints from GeoJSON", async () => {
    expect(district.cellCount).toBeGreaterThanOrEqual(2000);
    expect(district.cameraCount).toBeGreaterThanOrEqual(5000);
    const state = await commander.evaluate(() => ({
      modes: window.__gridops?.staticModes,
      counts: window.__gridops?.counts,
      rendered: window.__gridops?.renderedAtReady,
    }));
    expect(state.modes).toEqual({ cells: "tiles", checkpoints: "geojson", cameras: "tiles" });
    expect(state.counts).toEqual({
      cells: district.cellCount,
      checkpoints: district.checkpointCount,
      cameras: district.cameraCount,
    });
    // The first drawn frame had cells, their labels, checkpoints and (clustered) cameras on screen.
    expect(state.rendered?.["cells-tint"]).toBeGreaterThan(0);
    expect(state.rendered?.["cells-label"]).toBeGreaterThan(0);
    expect(state.rendered?.["checkpoints-symbol"]).toBeGreaterThan(0);
    expect(state.rendered?.["cameras-cluster"]).toBeGreaterThan(0);

    const layers = new Set(tileRequests.map((t) => t.layer));
    expect([...layers].sort()).toEqual(["cameras", "cells"]);
    // Every tile was answered 200: the worker's requests carried the session cookie (401 otherwise).
    expect(
      tileRequests.every((t) => t.status === 200 || t.status === 304),
      JSON.stringify(tileRequests),
    ).toBe(true);
    // The two large layers were never downloaded whole; the small one was.
    expect(layerDownloads.sort()).toEqual(["/api/v1/checkpoints"]);
    expect(await commander.getByTestId("tiled-note").isVisible()).toBe(true);
  });

  it("has tile features that are queryable by code, with one label per cell in view", async () => {
    const seen = await commander.evaluate(async () => {
      const map = window.__gridops?.map;
      if (!map) throw new Error("no map");
      const cells = map.querySourceFeatures("cells", { sourceLayer: "cells" });
      // The label source's own data (querying its tiles would list a point once per tile buffer).
      const labels = ((await map.getSource<GeoJSONSource>("cell-labels")?.getData()) ?? { features: [] }) as {
        features: { properties: { code: string } }[];
      };
      return {
        cellIds: [...new Set(cells.map((f) => f.id))],
        cellCodes: [...new Set(cells.map((f) => f.properties.code))],
        labelCodes: labels.features.map((f) => f.properties.code),
      };
    });
    expect(seen.cellIds.length).toBeGreaterThan(0);
    // promoteId "code": the feature id is the cell code, as with GeoJSON.
    expect(seen.cellIds.sort()).toEqual(seen.cellCodes.sort());
    expect(seen.labelCodes.length).toBeGreaterThan(0);
    expect(new Set(seen.labelCodes).size).toBe(seen.labelCodes.length);
    expect(seen.labelCodes.every((code) => seen.cellCodes.includes(code))).toBe(true);
    expect(seen.cellCodes).toContain(district.districtCode);
  });

  it("opens a cell's popup and marks the cell selected on the tile source; a camera popup is completed from the API", async () => {
    const grid = district.community.grids[44] ?? "";
    const at = await focusGrid(commander, grid, 16);
    // A click a little off the middle: the grid's cameras stand around it.
    await commander.mouse.click(at.x + 25, at.y + 25);
    const cellPopup = commander.getByTestId("popup-cell");
    await cellPopup.waitFor({ state: "visible", timeout: 10_000 });
    expect(await cellPopup.textContent()).toContain(grid);
    const selected = await commander.evaluate(
      (code) => window.__gridops?.map.getFeatureState({ source: "cells", sourceLayer: "cells", id: code }),
      grid,
    );
    expect(selected).toMatchObject({ selected: true });

    const camera = await commander.evaluate(() => {
      const map = window.__gridops?.map;
      if (!map) throw new Error("no map");
      const [feature] = map.queryRenderedFeatures({ layers: ["cameras-circle"] });
      if (feature?.geometry.type !== "Point") throw new Error("no camera drawn");
      const point = map.project(feature.geometry.coordinates as [number, number]);
      const box = map.getCanvas().getBoundingClientRect();
      return {
        x: box.left + point.x,
        y: box.top + point.y,
        id: String(feature.id),
        vendor: feature.properties.vendor,
      };
    });
    // The tile does not carry the vendor; the popup fetches the camera's record for it.
    expect(camera.vendor).toBeUndefined();
    await commander.mouse.click(camera.x, camera.y);
    const cameraPopup = commander.getByTestId("popup-camera");
    await cameraPopup.waitFor({ state: "visible", timeout: 10_000 });
    await expect
      .poll(async () => (await cameraPopup.textContent()) ?? "", { timeout: 10_000 })
      .toContain("hikvision");
    const states = await commander.evaluate(
      ({ code, id }) => ({
        cell: window.__gridops?.map.getFeatureState({ source: "cells", sourceLayer: "cells", id: code }),
        camera: window.__gridops?.map.getFeatureState({ source: "cameras", sourceLayer: "cameras", id }),
      }),
      { code: grid, id: camera.id },
    );
    expect(states.cell).toMatchObject({ selected: false });
    expect(states.camera).toMatchObject({ selected: true });
    // View cones of the tiled cameras in view, made from the tiles' single cameras.
    await commander.waitForFunction(
      () => (window.__gridops?.sourceFeatureCount("camera-cones") ?? 0) > 0,
      null,
      { timeout: 10_000 },
    );
  });

  it("shades a tiled cell by its open incidents and recolours a tiled camera by live health", async () => {
    const grid = district.community.grids[12] ?? "";
    await focusGrid(commander, grid, 15);
    const operator = await TestClient.loggedIn(server.url, district.users.operator, PASSWORD);
    const g = district.grids.find((c) => c.code === grid);
    const corner = g?.geometry?.coordinates[0]?.[0] ?? [0, 0];
    const created = await operator.post("/api/v1/incidents", {
      category: "traffic.congestion",
      priority: "normal",
      location: { lon: corner[0] + 0.0007, lat: corner[1] + 0.0007 },
      description: "large district tile shading",
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.incident.cellCode).toBe(grid);
    await commander.waitForFunction(
      (code) =>
        (window.__gridops?.map.getFeatureState({ source: "cells", sourceLayer: "cells", id: code })?.open ??
          0) > 0,
      grid,
      { timeout: 15_000 },
    );
    await waitForMapIdle(commander);
    const shaded = await commander.evaluate((code) => {
      const map = window.__gridops?.map;
      const features = map?.queryRenderedFeatures({ layers: ["cells-tint"] }) ?? [];
      return features.find((f) => f.id === code)?.state ?? null;
    }, grid);
    expect(shaded).toMatchObject({ open: 1 });

    const tech = await TestClient.loggedIn(server.url, district.users.technician, PASSWORD);
    const cameraId = await commander.evaluate(() => {
      const [feature] = window.__gridops?.map.queryRenderedFeatures({ layers: ["cameras-circle"] }) ?? [];
      return String(feature?.id ?? "");
    });
    expect(cameraId).not.toBe("");
    const maintenance = await tech.post(`/api/v1/cameras/${cameraId}/maintenance`, { on: true, note: "e2e" });
    expect(maintenance.status, JSON.stringify(maintenance.body)).toBeLessThan(300);
    await commander.waitForFunction(
      (id) =>
        window.__gridops?.map.getFeatureState({ source: "cameras", sourceLayer: "cameras", id })?.status ===
        "maintenance",
      cameraId,
      { timeout: 15_000 },
    );
  });

  it("zooms into a camera cluster when it is clicked", async () => {
    // Far from the community the incident above was reported in (an incident dot takes the click).
    const grid = district.grids[2000]?.code ?? "";
    await focusGrid(commander, grid, 12);
    const cluster = await commander.evaluate(() => {
      const map = window.__gridops?.map;
      if (!map) throw new Error("no map");
      // The cluster nearest the middle of the map (one at an edge may sit under a panel).
      const middle = map.project(map.getCenter());
      const distance = (f: { geometry: { type: string; coordinates?: unknown } }) =>
        f.geometry.type === "Point"
          ? map.project(f.geometry.coordinates as [number, number]).dist(middle)
          : Infinity;
      const clusters = map.queryRenderedFeatures({ layers: ["cameras-cluster"] });
      const feature = clusters.sort((a, b) => distance(a) - distance(b))[0];
      if (feature?.geometry.type !== "Point") throw new Error("no cluster drawn");
      const point = map.project(feature.geometry.coordinates as [number, number]);
      const box = map.getCanvas().getBoundingClientRect();
      return { x: box.left + point.x, y: box.top + point.y, count: Number(feature.properties.count) };
    });
    expect(cluster.count).toBeGreaterThan(1);
    await commander.mouse.click(cluster.x, cluster.y);
    await commander.waitForFunction(() => (window.__gridops?.map.getZoom() ?? 0) > 13.5, null, {
      timeout: 10_000,
    });
    expect(problems).toEqual([]);
  });
});

describe("the same district for a commander of one community", () => {
  let page: Page;
  const tiles: typeof tileRequests = [];
  const downloads: string[] = [];

  beforeAll(async () => {
    page = await chromium.newPage();
    watchRequests(page, tiles, downloads);
    await signIn(page, server.url, district.users.communityCommander, PASSWORD);
    await waitForReady(page);
  }, 120_000);

  it("is small in that user's cells, so it is drawn from GeoJSON: no tile requested", async () => {
    const state = await page.evaluate(() => ({
      modes: window.__gridops?.staticModes,
      cells: window.__gridops?.sourceFeatureCount("cells"),
    }));
    expect(state.modes).toEqual({ cells: "geojson", checkpoints: "geojson", cameras: "geojson" });
    expect(state.cells).toBe(1 + district.community.grids.length);
    expect(tiles).toEqual([]);
    expect(downloads.sort()).toEqual(["/api/v1/cameras", "/api/v1/cells", "/api/v1/checkpoints"]);
  });

  it("gets only its own cells and cameras in tiles when tiles are forced", async () => {
    await page.goto(`${server.url}/#/command?static=tiles`);
    await page.reload();
    await waitForReady(page);
    // Zoom 14 shows the whole community with single cameras (clusters are below 14).
    const seen = await page.evaluate(async () => {
      const map = window.__gridops?.map;
      if (!map) throw new Error("no map");
      map.jumpTo({ center: map.getCenter(), zoom: 14 });
      await new Promise((resolve) => map.once("idle", resolve));
      const cameras = map.querySourceFeatures("cameras", { sourceLayer: "cameras" });
      return {
        modes: window.__gridops?.staticModes,
        cells: [
          ...new Set(map.querySourceFeatures("cells", { sourceLayer: "cells" }).map((f) => String(f.id))),
        ],
        cameraIds: [...new Set(cameras.map((f) => String(f.id)))],
        cameraCells: [...new Set(cameras.map((f) => String(f.properties.cell_code)))],
      };
    });
    expect(seen.modes).toEqual({ cells: "tiles", checkpoints: "tiles", cameras: "tiles" });
    expect(tiles.length).toBeGreaterThan(0);
    expect(tiles.every((t) => t.status === 200 || t.status === 304)).toBe(true);
    const own = new Set([district.community.code, ...district.community.grids]);
    expect(seen.cells.length).toBeGreaterThan(0);
    expect(seen.cells.filter((code) => !own.has(code))).toEqual([]);
    expect(seen.cameraCells.filter((code) => !own.has(code))).toEqual([]);
    expect(seen.cameraIds).toHaveLength(district.community.grids.length * 3);
  });
});
