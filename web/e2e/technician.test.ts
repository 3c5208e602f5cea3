import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer } from "../../server/src/test-support/test-server.js";
import { ensureWebBuilt, launchBrowser } from "./browser.js";
import { apiGet, collectPageErrors, signIn } from "./sign-in.js";

type Running = Awaited<ReturnType<typeof startTestServer>>;
type Browser = Awaited<ReturnType<typeof launchBrowser>>;

let server: Running;
let browser: Browser;
let page: Page;
let problems: string[];

interface FleetBody {
  cameras: { id: string; state: string }[];
  counts: Record<string, number>;
  total: number;
}

beforeAll(async () => {
  await ensureWebBuilt();
  server = await startTestServer({ demo: true });
  browser = await launchBrowser("en-US");
  page = browser.page;
  page.setDefaultTimeout(10_000);
  problems = collectPageErrors(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A write from outside the page's view (another technician's browser), with the CSRF header. */
function postAsSameUser(path: string, body: unknown): Promise<number> {
  return page.evaluate(
    async ({ url, payload }) => {
      const csrf = document.cookie.match(/(?:^|; )gridops_csrf=([^;]+)/)?.[1] ?? "";
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": decodeURIComponent(csrf) },
        body: JSON.stringify(payload),
      });
      return response.status;
    },
    { url: path, payload: body },
  );
}

const countOf = async (state: string) =>
  Number(await page.getByTestId(`count-${state}`).getAttribute("data-count"));

describe("technician board in a real browser", () => {
  it("lands the technician on the fleet table with the API's counts, and no plate UI", async () => {
    await page.goto(server.url);
    await signIn(page, "tech1", server.demoPassword);
    await page.getByTestId("fleet-table").waitFor();
    const { body } = await apiGet<FleetBody>(page, "/api/v1/health/fleet?limit=50");
    const total = Object.values(body.counts).reduce((a, b) => a + b, 0);
    await expect(page.getByTestId("count-all").textContent()).resolves.toBe(`All ${total}`);
    const rows = await page.locator("[data-testid=fleet-table] tbody tr").count();
    expect(rows).toBe(Math.min(50, total));
    await expect(page.getByTestId("fleet-page").textContent()).resolves.toBe(`1–${rows} of ${total}`);

    // No plate data for technicians: no nav entry, and the plates route is not theirs.
    const nav = (await page.locator(".app-nav").textContent()) ?? "";
    expect(nav).not.toMatch(/plate/i);
    await expect(page.getByTestId("nav-plates").count()).resolves.toBe(0);
    await page.goto(`${server.url}/#/plates`);
    await page.getByTestId("technician-view").waitFor();
    expect(page.url()).toMatch(/#\/tech/);
    await expect(page.getByTestId("plates-view").count()).resolves.toBe(0);
    await expect(page.locator("body").textContent()).resolves.not.toMatch(/hotlist|plate read/i);
    const search = await postAsSameUser("/api/v1/plates/search", {
      plate: "浙A12345",
      from: new Date(Date.now() - 3600_000).toISOString(),
      to: new Date().toISOString(),
      purposeCode: "case_investigation",
      caseReference: "E2E-1",
    });
    expect(search).toBe(403);
  });

  it("filters the fleet by id and by vendor", async () => {
    await page.goto(`${server.url}/#/tech`);
    await page.getByTestId("fleet-table").waitFor();
    await page.getByTestId("input-fleetSearch").fill("CAM-0001");
    await page.getByTestId("fleet-apply").click();
    await page.waitForFunction(
      () => document.querySelectorAll("[data-testid=fleet-table] tbody tr").length === 1,
    );
    await expect(
      page.locator("[data-testid=fleet-table] tbody tr").getAttribute("data-row-id"),
    ).resolves.toBe("CAM-0001");
    await page.getByTestId("input-fleetSearch").fill("");
    await page.getByTestId("input-fleetVendor").fill("no-such-vendor");
    await page.getByTestId("fleet-apply").click();
    await page.locator("p[data-testid=fleet-table]").waitFor();
    await expect(page.getByTestId("fleet-table").textContent()).resolves.toBe("No cameras match.");
    await page.getByTestId("input-fleetVendor").fill("");
    // A grid cell: only that cell's cameras, as many as the API counts for it.
    const cell = "330199004001002";
    const expected = await apiGet<FleetBody>(page, `/api/v1/health/fleet?cell=${cell}&limit=50`);
    expect(expected.body.total).toBeGreaterThan(0);
    await page.getByTestId("input-fleetCell").fill(cell);
    await page.getByTestId("fleet-apply").click();
    await page.waitForFunction(
      (n) => document.querySelector("[data-testid=fleet-page]")?.textContent?.endsWith(`of ${n}`) ?? false,
      expected.body.total,
    );
    const cells = await page.locator("[data-testid=fleet-table] tbody tr td:nth-child(7)").allTextContents();
    expect(new Set(cells)).toEqual(new Set([cell]));
    await page.getByTestId("input-fleetCell").fill("");
    await page.getByTestId("fleet-apply").click();
    await page.locator("table[data-testid=fleet-table]").waitFor();
  });

  it("updates a camera's row and the counts live when its health changes elsewhere", async () => {
    await page.locator("[data-testid=fleet-map][data-ready=true]").waitFor({ timeout: 60_000 });
    const target = await page
      .locator("[data-testid=fleet-table] tbody tr")
      .first()
      .getAttribute("data-row-id");
    if (!target) throw new Error("no camera row");
    const before = await countOf("maintenance");
    // A technician typing a filter while the board updates live keeps the field and what is typed.
    const search = page.getByTestId("input-fleetSearch");
    await search.click();
    await page.keyboard.type("half-typed");
    expect(await postAsSameUser(`/api/v1/cameras/${target}/maintenance`, { on: true, note: "e2e" })).toBe(
      200,
    );
    const row = page.locator(`[data-testid=fleet-table] tr[data-row-id='${target}']`);
    await row.locator("[data-state=maintenance]").waitFor({ timeout: 15_000 });
    expect(await countOf("maintenance")).toBe(before + 1);
    expect(await search.evaluate((input) => input === document.activeElement)).toBe(true);
    await page.keyboard.type(" more");
    expect(await search.inputValue()).toBe("half-typed more");
    await search.fill("");
    // The health map recoloured the same camera: its feature in the source now says maintenance.
    await page.waitForFunction(
      (id) =>
        window.__gridops?.map
          .querySourceFeatures("cameras")
          .some((f) => f.properties.id === id && f.properties.status === "maintenance") ?? false,
      target,
    );
  });

  it("opens a camera page with uptime, timeline and events, and works a repair ticket through", async () => {
    await page.getByTestId("camera-link-CAM-0002").click();
    await page.getByTestId("camera-title").waitFor();
    await expect(page.getByTestId("camera-title").textContent()).resolves.toContain("CAM-0002");
    for (const key of ["h24", "d7", "d30"]) await page.getByTestId(`uptime-${key}`).waitFor();
    await page.getByTestId("health-timeline").waitFor();

    await page.getByTestId("camera-maintenance").click();
    await page.locator("[data-testid=camera-events] tbody tr").first().waitFor();
    await expect(page.locator(".kv [data-state]").first().getAttribute("data-state")).resolves.toBe(
      "maintenance",
    );

    await page.getByTestId("input-ticketSubject").fill("Lens fogged");
    await page.getByTestId("ticket-create").click();
    const row = page.locator("[data-testid=tickets-table] tbody tr").first();
    await row.waitFor();
    const id = await row.getAttribute("data-row-id");
    // Each step offers the next one once the server has moved the ticket.
    const steps = ["assigned", "on_site", "fixed", "verified"];
    for (const [i, step] of steps.slice(0, -1).entries()) {
      await page.getByTestId(`ticket-${id}-${step}`).click();
      await page.getByTestId(`ticket-${id}-${steps[i + 1]}`).waitFor();
    }
    const ticket = await apiGet<{ state: string; assignee: string; history: unknown[] }>(
      page,
      `/api/v1/tickets/${id}`,
    );
    expect(ticket.body.state).toBe("fixed");
    expect(ticket.body.assignee).toBe("tech1");
    expect(ticket.body.history.length).toBeGreaterThanOrEqual(3);
    await page.getByTestId(`ticket-history-${id}`).click();
    await page.getByTestId("ticket-history").waitFor();
    const lines = await page.locator("[data-testid=ticket-history] li").allTextContents();
    expect(lines.length).toBe(ticket.body.history.length);
    expect(lines.at(-1)).toContain("On site → Fixed");

    // A second ticket goes to someone else, chosen from who covers the camera's cell.
    await page.getByTestId("input-ticketSubject").fill("Cable cut");
    await page.getByTestId("ticket-create").click();
    const second = page.locator("[data-testid=tickets-table] tbody tr", { hasText: "Cable cut" });
    await second.waitFor();
    const secondId = await second.getAttribute("data-row-id");
    await page.getByTestId(`ticket-${secondId}-assign-other`).click();
    await page.getByTestId("ticket-assign-confirm").waitFor();
    const offered = await page.locator("[data-testid=input-ticketAssignee] option").allTextContents();
    expect(offered.some((o) => o.includes("(tech1)"))).toBe(true);
    expect(offered.some((o) => o.includes("(operator)"))).toBe(false);
    await page.getByTestId("input-ticketAssignee").selectOption({ label: "系统管理员 Admin (admin)" });
    await page.getByTestId("ticket-assign-confirm").click();
    await page.getByTestId(`ticket-${secondId}-on_site`).waitFor();
    const assigned = await apiGet<{ assignee: string }>(page, `/api/v1/tickets/${secondId}`);
    expect(assigned.body.assignee).toBe("admin");

    await page.getByTestId("camera-back").click();
    await page.getByTestId("fleet-table").waitFor();
    expect(problems).toEqual([]);
  });

  it("shows an error with a retry when the fleet cannot be loaded, and recovers", async () => {
    await page.route("**/api/v1/health/fleet*", (route) => route.abort());
    await page.goto(`${server.url}/#/command`);
    await page.goto(`${server.url}/#/tech`);
    const error = page.locator("[data-testid=fleet-board] [data-testid=panel-error]");
    await error.waitFor();
    await expect(error.textContent()).resolves.toContain("Cannot reach the server.");
    await page.unroute("**/api/v1/health/fleet*");
    await error.locator("button").click();
    await page.locator("table[data-testid=fleet-table]").waitFor();
  });

  it("relabels the board in Chinese", async () => {
    await page.getByTestId("language-zh-CN").click();
    await expect(page.getByTestId("tech-tab-tickets").textContent()).resolves.toBe("维修工单");
    await expect(page.getByTestId("count-maintenance").textContent()).resolves.toContain("维护中");
    await page.getByTestId("language-en").click();
  });
});
