import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rollUpFlow } from "../../server/src/features/checkpoints/flow.sql.js";
import { DEMO_HOTLIST_PLATES, ensureDemoPlateSetup } from "../../server/src/features/demo/demo-plates.js";
import { startTestServer } from "../../server/src/test-support/test-server.js";
import { ensureWebBuilt, launchBrowser } from "./browser.js";
import { apiGet, collectPageErrors, signIn, signOut } from "./sign-in.js";

type Running = Awaited<ReturnType<typeof startTestServer>>;
type Browser = Awaited<ReturnType<typeof launchBrowser>>;

let server: Running;
let browser: Browser;
let page: Page;
let problems: string[];
let laneCamera: string;
let ingestToken = "";
const HIT_PLATE = DEMO_HOTLIST_PLATES[0] ?? "浙A7K3M9";
const PLAIN_PLATE = "浙C3E771";
const UNKNOWN_DEVICE = "e2e-unregistered-cam";
const PAGED_PLATE = "浙D5P0Q8";
/** One more than a result page, so the search pages once. */
const PAGED_READS = 51;

beforeAll(async () => {
  await ensureWebBuilt();
  server = await startTestServer({ demo: true });
  const devices = await ensureDemoPlateSetup(server.db.pool);
  laneCamera = devices[0]?.deviceId ?? "";
  if (!laneCamera) throw new Error("the demo has no lane camera");
  browser = await launchBrowser("en-US");
  page = browser.page;
  page.setDefaultTimeout(10_000);
  problems = collectPageErrors(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** POST with the page's session and CSRF cookie, as the app itself would. */
function post(path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  return page.evaluate(
    async ({ url, payload }) => {
      const csrf = document.cookie.match(/(?:^|; )gridops_csrf=([^;]+)/)?.[1] ?? "";
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": decodeURIComponent(csrf) },
        body: JSON.stringify(payload),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    { url: path, payload: body },
  );
}

/** A vendor device pushing generic-format reads with an API token (no session cookie). */
function push(token: string, reads: unknown[]): Promise<number> {
  return page.evaluate(
    async ({ bearer, payload }) => {
      const response = await fetch("/api/v1/ingest/plates/generic", {
        method: "POST",
        credentials: "omit",
        headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
        body: JSON.stringify(payload),
      });
      return response.status;
    },
    { bearer: token, payload: reads },
  );
}

const read = (plate: string, deviceId: string, minutesAgo: number, eventId: string) => ({
  plate,
  plateColour: "blue",
  confidence: 0.93,
  capturedAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
  deviceId,
  eventId,
});

/** Audited plate searches, read from the database (the analyst may not read the audit log). */
async function searchRequests(): Promise<number> {
  const { rows } = await server.db.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM audit_log WHERE action = 'plates.search'",
  );
  return rows[0]?.n ?? 0;
}

describe("plate pages in a real browser", () => {
  it("an administrator replays a rejected push after registering its device", async () => {
    await page.goto(server.url);
    await signIn(page, "admin", server.demoPassword);
    const created = await post("/api/v1/tokens", {
      name: "e2e plate feed",
      permissions: ["plates:ingest"],
      cellCodes: ["330199000000000"],
    });
    expect(created.status).toBe(201);
    const token = (created.body as { token: string }).token;
    ingestToken = token;
    expect(
      await push(token, [read(HIT_PLATE, laneCamera, 3, "e2e-1"), read(PLAIN_PLATE, laneCamera, 2, "e2e-2")]),
    ).toBe(200);
    expect(await push(token, [read(PLAIN_PLATE, UNKNOWN_DEVICE, 1, "e2e-3")])).toBe(202);
    const many = Array.from({ length: PAGED_READS }, (_, i) =>
      read(PAGED_PLATE, laneCamera, 10 + i, `e2e-p${i}`),
    );
    expect(await push(token, many)).toBe(200);

    await page.goto(`${server.url}/#/plates?tab=deadletters`);
    const table = page.locator("table[data-testid=deadletters-table]");
    await table.waitFor();
    const row = table.locator("tbody tr").first();
    await expect(row.textContent()).resolves.toContain(UNKNOWN_DEVICE);
    const id = await row.getAttribute("data-row-id");

    await server.db.pool.query(
      "INSERT INTO plate_devices (device_key, camera_id, note) VALUES ($1, $2, 'e2e')",
      [UNKNOWN_DEVICE, laneCamera],
    );
    // The ingest's device table is re-read when its version moves, checked at most once a second.
    await page.waitForTimeout(1500);
    await page.getByTestId(`dead-replay-${id}`).click();
    await page.locator("[data-testid=dead-outcome], [data-testid=form-error]").first().waitFor();
    await expect(
      page.locator("[data-testid=dead-outcome], [data-testid=form-error]").first().textContent(),
    ).resolves.toBe("Replayed: 1 stored, 0 duplicates.");
    await page.locator("p[data-testid=deadletters-table]").waitFor();
    // The administrator has no plate search: that tab is not offered.
    await expect(page.getByTestId("plates-tab-search").count()).resolves.toBe(0);
    await signOut(page);
  });

  it("the analyst cannot search without a purpose: nothing is sent and nothing is audited", async () => {
    await signIn(page, "analyst1", server.demoPassword);
    await page.getByTestId("plates-view").waitFor();
    await page.getByTestId("plates-tab-search").click();
    await page.getByTestId("search-form").waitFor();
    const before = await searchRequests();
    let sent = 0;
    page.on("request", (request) => {
      if (request.url().includes("/api/v1/plates/search")) sent++;
    });
    await page.getByTestId("input-caseReference").fill("2026-XS-0042");
    await page.getByTestId("input-plate").fill(PLAIN_PLATE);
    await page.getByTestId("search-submit").click();
    await expect(page.getByTestId("form-error").textContent()).resolves.toBe(
      "State the purpose of this search: choose one, or describe it in at least 10 characters.",
    );
    await page.getByTestId("input-purpose").selectOption("__other__");
    await page.getByTestId("input-purposeText").fill("too short");
    await page.getByTestId("search-submit").click();
    await expect(page.getByTestId("form-error").count()).resolves.toBe(1);
    expect(sent).toBe(0);
    expect(await searchRequests()).toBe(before);
    // The server refuses it too, with its own code, if someone bypasses the form.
    const direct = await post("/api/v1/plates/search", {
      plate: PLAIN_PLATE,
      from: new Date(Date.now() - 3600_000).toISOString(),
      to: new Date().toISOString(),
      caseReference: "2026-XS-0042",
    });
    expect(direct.status).toBe(400);
    expect((direct.body as { error: { code: string } }).error.code).toBe("purpose_required");
  });

  it("the analyst searches with a purpose and a case, pages the results and exports them", async () => {
    const before = await searchRequests();
    await page.getByTestId("input-purpose").selectOption("case_investigation");
    await page.getByTestId("search-submit").click();
    const results = page.locator("table[data-testid=search-results]");
    await results.waitFor();
    const plates = await results.locator("tbody tr td:nth-child(2)").allTextContents();
    expect(plates.length).toBe(2);
    expect(new Set(plates)).toEqual(new Set([PLAIN_PLATE]));
    expect(await searchRequests()).toBe(before + 1);
    const { rows } = await server.db.pool.query<{ actor: string; details: Record<string, unknown> }>(
      "SELECT actor, details FROM audit_log WHERE action = 'plates.search' ORDER BY id DESC LIMIT 1",
    );
    expect(rows[0]?.actor).toBe("analyst1");
    expect(rows[0]?.details).toMatchObject({
      caseReference: "2026-XS-0042",
      purpose: { code: "case_investigation" },
      rowCount: 2,
    });

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("search-export").click(),
    ]);
    const csv = readFileSync((await download.path()) ?? "", "utf8");
    expect(csv).toContain(PLAIN_PLATE);
    expect(csv.trim().split(/\r?\n/).length).toBe(3);

    await page.getByTestId("input-plate").fill(PAGED_PLATE);
    await page.getByTestId("search-submit").click();
    await page.getByTestId("search-more").waitFor();
    await expect(results.locator("tbody tr").count()).resolves.toBe(50);
    await page.getByTestId("search-more").click();
    await page.waitForFunction(
      (n) => document.querySelectorAll("table[data-testid=search-results] tbody tr").length === n,
      PAGED_READS,
    );
    const ids = await results
      .locator("tbody tr")
      .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.rowId));
    expect(new Set(ids).size).toBe(PAGED_READS);
    await expect(page.getByTestId("search-more").count()).resolves.toBe(0);
  });

  it("the hit feed shows the hotlist hit and the analyst confirms it", async () => {
    await page.getByTestId("plates-tab-hits").click();
    const card = page.locator("[data-testid=hits-feed] article").filter({ hasText: HIT_PLATE }).first();
    await card.waitFor({ timeout: 15_000 });
    const testId = (await card.getAttribute("data-testid")) ?? "";

    // A new hit arrives over the live connection, without reloading the feed.
    const livePlate = DEMO_HOTLIST_PLATES[1] ?? "浙AD12345";
    expect(await push(ingestToken, [read(livePlate, laneCamera, 0, "e2e-live-hit")])).toBe(200);
    await page.locator("[data-testid=hits-feed] article").filter({ hasText: livePlate }).first().waitFor();
    const firstPlate = await page.locator("[data-testid=hits-feed] article strong").first().textContent();
    expect(firstPlate).toBe(livePlate);
    const id = testId.replace("hit-", "");
    // The note is a stand-in until focused (decision 0143); the analyst clicks it, then types.
    await page.getByTestId(`hit-note-${id}`).click();
    await page.locator(`input[data-testid=hit-note-${id}]`).fill("seen on camera, matches the case");
    await page.getByTestId(`hit-confirm-${id}`).click();
    // A confirmed hit leaves the pending list.
    await page.waitForFunction((testId) => !document.querySelector(`[data-testid=${testId}]`), testId);
    const hit = await apiGet<{ status: string; reviewedBy: string; reviewNote: string }>(
      page,
      `/api/v1/hotlist-hits/${id}`,
    );
    const { status, reviewedBy, reviewNote } = hit.body;
    expect({ status, reviewedBy, reviewNote }).toEqual({
      status: "confirmed",
      reviewedBy: "analyst1",
      reviewNote: "seen on camera, matches the case",
    });
  });

  it("hotlist entries need a reason code, a case reference and an expiry", async () => {
    await page.getByTestId("plates-tab-hotlists").click();
    await page.getByTestId("hotlist-form").waitFor();
    await page.getByTestId("input-hotlistName").fill("E2E 专项布控");
    await page.getByTestId("hotlist-create").click();
    const chip = page.locator("[data-testid=hotlists] button").filter({ hasText: "E2E 专项布控" });
    await chip.waitFor();
    await chip.click();
    await page.getByTestId("entry-form").waitFor();
    await page.locator("p[data-testid=entries-table]").waitFor();
    await page.getByTestId("input-entryPlate").fill("浙B99999");
    await page.getByTestId("entry-save").click();
    await expect(page.getByTestId("form-error").textContent()).resolves.toBe("Choose a reason code.");
    await page.getByTestId("input-entryReason").selectOption("case_involved");
    await page.getByTestId("entry-save").click();
    await expect(page.getByTestId("form-error").textContent()).resolves.toBe("Enter the case reference.");
    await page.getByTestId("input-entryCase").fill("2026-XS-0042");
    await page.getByTestId("input-entryPriority").selectOption("urgent");
    await page.getByTestId("input-entryMatchLevel").selectOption("confusable");
    await page.getByTestId("entry-save").click();
    const row = page.locator("[data-testid=entries-table] tbody tr").filter({ hasText: "浙B99999" });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain("Urgent");
    const entryId = await row.getAttribute("data-row-id");
    // Priority, fuzzy level and expiry may change later; plate, reason and case may not.
    await page.getByTestId(`entry-change-${entryId}`).click();
    await page.getByTestId("input-editPriority").selectOption("low");
    await page.getByTestId("input-editMatchLevel").selectOption("exact");
    await page.getByTestId("entry-edit-save").click();
    await page.getByTestId("entry-edit").waitFor({ state: "detached" });
    await page.waitForFunction(
      (id) =>
        document
          .querySelector(`[data-testid=entries-table] tr[data-row-id='${id}']`)
          ?.textContent?.includes("Low"),
      entryId,
    );
    const { rows: changed } = await server.db.pool.query<{ priority: string; match_level: string }>(
      "SELECT priority, match_level FROM hotlist_entries WHERE id = $1",
      [entryId],
    );
    expect(changed[0]).toEqual({ priority: "low", match_level: "exact" });
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByTestId(`entry-remove-${entryId}`).click();
    await row.waitFor({ state: "detached" });
  });

  it("the checkpoint panel draws the flow sparkline from the server's counts", async () => {
    // Roll the pushed reads up into 5-minute lane counts, as the every-5-minutes job does.
    const client = await server.db.pool.connect();
    try {
      await client.query("BEGIN");
      await rollUpFlow(client, new Date(Date.now() - 2 * 3600_000), new Date(Date.now() + 60_000));
      await client.query("COMMIT");
    } finally {
      client.release();
    }
    const { rows } = await server.db.pool.query<{ checkpoint_id: string; vehicles: number }>(
      `SELECT c.checkpoint_id, coalesce(sum(f.vehicles), 0)::int AS vehicles
         FROM cameras c JOIN checkpoint_lane_flow f ON f.checkpoint_id = c.checkpoint_id
        WHERE c.id = $1 AND f.bucket_start >= date_bin(interval '5 minutes', now() - interval '2 hours', timestamptz '2000-01-01T00:00:00Z')
        GROUP BY c.checkpoint_id`,
      [laneCamera],
    );
    const expected = rows[0];
    if (!expected) throw new Error("no flow rolled up for the lane camera's checkpoint");
    expect(expected.vehicles).toBeGreaterThan(PAGED_READS);

    await page.getByTestId("plates-tab-flow").click();
    await page.getByTestId("flow-sparkline").waitFor();
    await page.getByTestId("input-flowCheckpoint").selectOption(expected.checkpoint_id);
    await page.waitForFunction(
      (total) =>
        document.querySelector("[data-testid=flow-total]")?.textContent === `${total} vehicles in 2 h`,
      expected.vehicles,
    );
    const values = ((await page.getByTestId("flow-sparkline").getAttribute("data-values")) ?? "")
      .split(",")
      .map(Number);
    expect(values.length).toBe(25);
    expect(values.reduce((a, b) => a + b, 0)).toBe(expected.vehicles);
    expect(values.filter((v) => v > 0).length).toBeGreaterThan(5);
    expect(problems).toEqual([]);
  });

  it("relabels the plate pages in Chinese", async () => {
    await page.getByTestId("language-zh-CN").click();
    await expect(page.getByTestId("plates-tab-search").textContent()).resolves.toBe("过车查询");
    await page.getByTestId("language-en").click();
  });
});
