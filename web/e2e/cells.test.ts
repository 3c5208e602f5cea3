import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
let all: Feature[];
let scratch: string;
const reserved = new Set<string>();

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
  all = (await admin.get("/api/v1/cells?limit=5000")).body.features as Feature[];
  grid = all.find((f) => f.properties.level === "grid")!;
  const users = (await admin.get("/api/v1/users")).body.users as {
    id: number;
    username: string;
    cellCodes: string[];
  }[];
  // The demo leaders' and workers' grids stay as they are (other tests sign in as them).
  const byCode = new Map(all.map((f) => [f.properties.code, f]));
  for (const u of users.filter((u) => /^(leader|worker)\d/.test(u.username)))
    for (const c of u.cellCodes) reserved.add(byCode.get(c)?.properties.parent_code ?? c);
  scratch = mkdtempSync(join(tmpdir(), "gridops-cells-e2e-"));
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
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Selects a cell through the page's hook and waits until the map has stopped flying to it. */
async function selectCell(code: string): Promise<void> {
  await page.evaluate((c) => window.__gridopsCells?.select(c), code);
  await expect.poll(() => page.getByTestId("cells-toolbar").locator("h2").textContent()).toContain(code);
  await page.waitForFunction(() => {
    const map = window.__gridopsCells?.map;
    return map !== undefined && !map.isMoving();
  });
}

/** Grids of distinct communities, so each test works on its own part of the district. */
function gridsOfDistinctCommunities(count: number): Feature[] {
  const seen = new Set<string>([community.properties.code, ...reserved]);
  const picked: Feature[] = [];
  for (const f of all) {
    const parent = f.properties.parent_code;
    if (f.properties.level !== "grid" || parent === null || seen.has(parent)) continue;
    seen.add(parent);
    picked.push(f);
    if (picked.length === count) break;
  }
  return picked;
}

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

describe("cells administration", () => {
  let splitGrid: Feature;
  let retireGrid: Feature;
  let peopleGrid: Feature;
  let newCodes: string[] = [];

  beforeAll(() => {
    [splitGrid, retireGrid, peopleGrid] = gridsOfDistinctCommunities(3) as [Feature, Feature, Feature];
  });

  const currentCount = async () =>
    (await admin.get("/api/v1/cells?limit=5000")).body.features.length as number;

  it("splits a grid along a drawn line: the dry-run preview is on the map before anything is written", async () => {
    const code = splitGrid.properties.code;
    await selectCell(code);
    await page.getByTestId("split").click();
    await page.getByTestId("split-action").waitFor();
    const [w, s, e, n] = bbox(splitGrid);
    const cy = (s + n) / 2;
    const from = await screenAt(w - (e - w) * 0.04, cy);
    const to = await screenAt(e + (e - w) * 0.04, cy);
    await page.mouse.click(from.x, from.y);
    await page.waitForTimeout(200);
    await page.mouse.click(to.x, to.y);
    await page.waitForTimeout(200);
    await page.mouse.click(to.x, to.y); // the last point again finishes the line
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            window.__gridopsCells?.draw?.getSnapshot().filter((f) => f.geometry.type === "LineString").length,
        ),
      )
      .toBe(1);
    const before = await currentCount();

    await page.getByTestId("split-preview").click();
    await page.getByTestId("split-apply").waitFor({ timeout: 15_000 });
    const preview = await page.evaluate(() => window.__gridopsCells?.preview() ?? []);
    expect(preview.length).toBeGreaterThanOrEqual(2);
    expect(preview.every((p) => p.role === "result")).toBe(true);
    expect(preview.map((p) => p.label)).toContain(code);
    expect(await page.getByTestId("split-areas").textContent()).toMatch(/Area before/);
    // A dry run: the server has not written the parts.
    expect(await currentCount()).toBe(before);

    await page.getByTestId("split-apply").click();
    await page.getByTestId("cells-message").filter({ hasText: "Split into" }).waitFor({ timeout: 15_000 });
    newCodes = preview.map((p) => p.label).filter((c) => c !== code);
    expect(await currentCount()).toBe(before + newCodes.length);
    for (const created of newCodes) {
      const res = await admin.get(`/api/v1/cells/${created}`);
      expect(res.status).toBe(200);
      expect(res.body.properties.parent_code).toBe(splitGrid.properties.parent_code);
      await expect(page.getByTestId(`tree-${created}`).count()).resolves.toBe(1);
    }
    // Leaving the action put the drawing away.
    expect(await page.evaluate(() => window.__gridopsCells?.draw?.getSnapshot().length)).toBe(0);
  });

  it("merges the parts back with the chosen neighbour after a preview", async () => {
    const code = splitGrid.properties.code;
    await selectCell(code);
    await page.getByTestId("merge").click();
    for (const other of newCodes) await page.getByTestId(`merge-with-${other}`).check();
    const chosen = await page.evaluate(() => window.__gridopsCells?.preview().map((p) => p.role) ?? []);
    expect(chosen).toEqual(newCodes.map(() => "chosen"));
    await page.getByTestId("merge-preview").click();
    await page.getByTestId("merge-apply").waitFor({ timeout: 15_000 });
    const preview = await page.evaluate(() => window.__gridopsCells?.preview() ?? []);
    expect(preview).toEqual([expect.objectContaining({ role: "result", label: code })]);
    for (const other of newCodes) expect((await admin.get(`/api/v1/cells/${other}`)).status).toBe(200);

    await page.getByTestId("merge-apply").click();
    await page.getByTestId("cells-message").filter({ hasText: "Merged" }).waitFor({ timeout: 15_000 });
    for (const other of newCodes) {
      expect((await admin.get(`/api/v1/cells/${other}`)).status).toBe(404);
      await expect(page.getByTestId(`tree-${other}`).count()).resolves.toBe(0);
    }
  });

  it("lists the versions of a cell and draws an earlier boundary on the map", async () => {
    const code = splitGrid.properties.code;
    await selectCell(code);
    await page.getByTestId("cells-tab-history").click();
    const rows = page.getByTestId("history-table").locator("tbody tr");
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(3);
    await page.getByTestId("history-show-1").click();
    const shown = await page.evaluate(() => window.__gridopsCells?.preview() ?? []);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ role: "past", label: `${code} v1` });
    const history = (await admin.get(`/api/v1/cells/${code}/history`)).body.versions as {
      version: number;
      geometry: unknown;
    }[];
    expect(shown[0]?.geometry).toEqual(history.find((v) => v.version === 1)?.geometry);
    await page.getByTestId("history-hide-1").click();
    expect(await page.evaluate(() => window.__gridopsCells?.preview().length)).toBe(0);

    // "As of" a moment from now: the current version.
    const soon = new Date(Date.now() + 60_000);
    const pad = (v: number) => String(v).padStart(2, "0");
    await page
      .getByTestId("history-at")
      .fill(
        `${soon.getFullYear()}-${pad(soon.getMonth() + 1)}-${pad(soon.getDate())}T${pad(soon.getHours())}:${pad(soon.getMinutes())}`,
      );
    await page.getByTestId("history-look-up").click();
    await expect(page.getByTestId("history-at-result").textContent()).resolves.toContain("Version 3");
    await page.getByTestId("cells-tab-shape").click();
  });

  it("retires a grid only after a reason and confirmation, then accepts the gap it leaves", async () => {
    const code = retireGrid.properties.code;
    const parent = retireGrid.properties.parent_code!;
    await selectCell(code);
    await page.getByTestId("retire").click();
    await page.getByTestId("retire-confirm").click();
    await page.getByTestId("retire-problem").waitFor();
    expect((await admin.get(`/api/v1/cells/${code}`)).status).toBe(200);
    await page.getByTestId("retire-reason").fill("Merged into the neighbouring estate (browser test)");
    await page.getByTestId("retire-confirm").click();
    await page.getByTestId("cells-message").filter({ hasText: "retired" }).waitFor({ timeout: 15_000 });
    expect((await admin.get(`/api/v1/cells/${code}`)).status).toBe(404);
    // The parent is selected and the gap left behind is listed, with a way to accept it.
    await expect(page.getByTestId("cells-toolbar").locator("h2").textContent()).resolves.toContain(parent);
    const gap = page.locator('[data-testid=problem-list] li[data-kind="coverage_gap"]');
    await expect(gap.count()).resolves.toBeGreaterThan(0);
    await gap.first().getByRole("button").click();
    await page.getByTestId("gap-reason").fill("Grid retired on purpose (browser test)");
    await page.getByTestId("accept-gap-confirm").click();
    await page.getByTestId("cells-message").filter({ hasText: "Gap accepted" }).waitFor({ timeout: 15_000 });
    const check = (await admin.get(`/api/v1/cells/${parent}/check`)).body as { problems: { kind: string }[] };
    expect(check.problems.filter((p) => p.kind === "coverage_gap")).toEqual([]);
  });

  it("appoints a leader and adds and removes a worker with the user picker", async () => {
    const code = peopleGrid.properties.code;
    // People whose cells cover this grid: the only ones the server offers (and accepts).
    const make = async (username: string, role: string, cell: string) => {
      const res = await admin.post("/api/v1/users", {
        username,
        displayName: username,
        password: "a long enough password 1",
        roles: [role],
        cellCodes: [cell],
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    };
    await make("people_leader", "grid_leader", code);
    await make("people_worker", "grid_worker", peopleGrid.properties.parent_code!);
    await selectCell(code);
    await page.getByTestId("cells-tab-people").click();
    await page.getByTestId("leader-pick").waitFor({ timeout: 15_000 });
    await expect(page.getByTestId("people-leader").textContent()).resolves.toContain("No leader");
    // The cell page also shows the open incidents below the grid and its latest daily report.
    const summary = (await admin.get(`/api/v1/cells/${code}/summary`)).body;
    await expect(page.getByTestId("cell-summary-incidents").textContent()).resolves.toBe(
      `${summary.incidents.open} open, ${summary.incidents.overdue} overdue`,
    );
    await expect(page.getByTestId("cell-summary-report").textContent()).resolves.toContain(
      summary.daily_report.latest?.reportDate ?? "None filed yet",
    );
    // Only grid leaders whose cells include this grid are offered as leader.
    const offered = await page.getByTestId("leader-pick").locator("option").allTextContents();
    expect(offered.some((o) => o.includes("(people_leader)"))).toBe(true);
    expect(offered.some((o) => o.includes("(leader2)") || o.includes("(people_worker)"))).toBe(false);

    await page.getByTestId("leader-pick").selectOption({ label: "people_leader (people_leader)" });
    await page.getByTestId("leader-appoint").click();
    await expect.poll(() => page.getByTestId("people-leader").textContent()).toContain("(people_leader)");
    await page.getByTestId("worker-pick").selectOption({ label: "people_worker (people_worker)" });
    await page.getByTestId("worker-add").click();
    await page.locator('[data-testid=people-workers] tr[data-row-id="people_worker"]').waitFor();
    const people = (await admin.get(`/api/v1/cells/${code}/people`)).body;
    expect(people.leader.username).toBe("people_leader");
    expect(people.workers.map((w: { username: string }) => w.username)).toEqual(["people_worker"]);

    await page.getByTestId("worker-remove-people_worker").click();
    await page.getByTestId("people-workers").filter({ hasText: "No workers" }).waitFor();
    await expect(page.getByTestId("people-history").textContent()).resolves.toContain("(people_worker)");
    expect((await admin.get(`/api/v1/cells/${code}/people`)).body.workers).toEqual([]);
    await page.getByTestId("cells-tab-shape").click();
  });

  it("imports a GeoJSON file: dry-run report first, then apply; and downloads an export", async () => {
    const used = new Set([
      ...reserved,
      ...[splitGrid, retireGrid, peopleGrid, grid].map((g) => g.properties.parent_code),
    ]);
    const target = all.find((f) => f.properties.level === "community" && !used.has(f.properties.code))!;
    const code = target.properties.code;
    const exported = JSON.parse((await admin.get(`/api/v1/cells/${code}/export?format=geojson`)).text) as {
      features: { properties: { code: string; name: string; level: string } }[];
    };
    const renamed = exported.features.find((f) => f.properties.level === "grid")!;
    const originalName = renamed.properties.name;
    renamed.properties.name = "导入改名 Imported name";
    const file = join(scratch, "cells.geojson");
    writeFileSync(file, JSON.stringify(exported));

    await selectCell(code);
    await page.getByTestId("cells-tab-files").click();
    await page.getByTestId("import-file").setInputFiles(file);
    await page.getByTestId("import-upload").click();
    await page.locator('[data-testid=import-status][data-status="ready"]').waitFor({ timeout: 20_000 });
    await expect(page.getByTestId("import-counts").textContent()).resolves.toContain(
      "0 to add, 1 to change, 0 to retire",
    );
    await expect(page.getByTestId("import-change").textContent()).resolves.toContain(renamed.properties.code);
    expect((await admin.get(`/api/v1/cells/${renamed.properties.code}`)).body.properties.name).toBe(
      originalName,
    );

    await page.getByTestId("import-apply").click();
    await page.locator('[data-testid=import-status][data-status="applied"]').waitFor({ timeout: 15_000 });
    expect((await admin.get(`/api/v1/cells/${renamed.properties.code}`)).body.properties.name).toBe(
      "导入改名 Imported name",
    );

    await page.getByTestId("input-export-format").selectOption("geopackage");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("export-download").click(),
    ]);
    expect(download.suggestedFilename()).toBe(`cells-${code}.gpkg`);
    await page.getByTestId("cells-tab-shape").click();
    expect(problems).toEqual([]);
  });

  it("moves a grid only on confirmation; a move that breaks the topology is refused and shown", async () => {
    const [, , , moveGrid] = gridsOfDistinctCommunities(4) as Feature[];
    const code = moveGrid!.properties.code;
    await selectCell(code);
    await page.getByTestId("move").click();
    expect(await page.getByTestId("move-confirm").isDisabled()).toBe(true);
    const options = await page
      .getByTestId("move-target")
      .locator("option")
      .evaluateAll((o) => o.map((e) => (e as HTMLOptionElement).value).filter((v) => v !== ""));
    expect(options).not.toContain(moveGrid!.properties.parent_code);
    const elsewhere = options.find((c) => !c.startsWith(moveGrid!.properties.parent_code!.slice(0, 9)))!;
    await page.getByTestId("move-target").selectOption(elsewhere);
    await page.getByTestId("move-confirm").click();
    await page.getByTestId("cells-message").filter({ hasText: "Not saved" }).waitFor({ timeout: 15_000 });
    const kinds = await page.evaluate(() => window.__gridopsCells?.problems().map((p) => p.kind) ?? []);
    expect(kinds).toContain("outside_parent");
    expect((await admin.get(`/api/v1/cells/${code}`)).body.properties.parent_code).toBe(
      moveGrid!.properties.parent_code,
    );
    await page.getByTestId("cancel-action").click();
  });

  it("offers a grid leader only what the server lets them do on their grid", async () => {
    const leaderPage = await chromium.newPage({ locale: "en" });
    try {
      await signIn(leaderPage, server.url, "leader1", server.demoPassword);
      await leaderPage.waitForFunction(() => document.querySelector("[data-testid=user-menu]") !== null);
      await leaderPage.goto(`${server.url}/#/cells`);
      await leaderPage.waitForFunction(() => window.__gridopsCells?.ready === true, null, {
        timeout: 60_000,
      });
      const own = (await admin.get("/api/v1/users")).body.users.find(
        (u: { username: string }) => u.username === "leader1",
      ).cellCodes[0] as string;
      await leaderPage.evaluate((c) => window.__gridopsCells?.select(c), own);
      await leaderPage.getByTestId("check").waitFor();
      for (const hidden of ["edit-shape", "split", "merge", "retire", "move", "repair", "draw-child"])
        expect(await leaderPage.getByTestId(hidden).count(), hidden).toBe(0);
      await leaderPage.getByTestId("cells-tab-people").click();
      // Workers yes (picked from who the server offers, without users:manage), appointing the leader no.
      await leaderPage.getByTestId("worker-add").waitFor({ timeout: 15_000 });
      const offered = await leaderPage.getByTestId("worker-pick").locator("option").allTextContents();
      expect(offered.some((o) => o.includes("(worker1)"))).toBe(true);
      expect(await leaderPage.getByTestId("leader-appoint").count()).toBe(0);
    } finally {
      await leaderPage.context().close();
    }
  });
});
