import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rolePermissions } from "../../server/src/features/auth/permissions.js";
import { startTestServer } from "../../server/src/test-support/test-server.js";
import { ensureWebBuilt, launchBrowser } from "./browser.js";
import { apiGet, collectPageErrors, signIn, signOut } from "./sign-in.js";

type Running = Awaited<ReturnType<typeof startTestServer>>;
type Browser = Awaited<ReturnType<typeof launchBrowser>>;

let server: Running;
let browser: Browser;
let page: Page;
let problems: string[];

interface UserRow {
  id: number;
  username: string;
  displayName: string;
  disabled: boolean;
  roles: string[];
  cellCodes: string[];
}

beforeAll(async () => {
  await ensureWebBuilt();
  server = await startTestServer({ demo: true });
  browser = await launchBrowser("en-US");
  page = browser.page;
  page.setDefaultTimeout(10_000);
  problems = collectPageErrors(page);
  await browser.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openAdmin(tab: string) {
  await page.goto(`${server.url}/#/admin?tab=${tab}`);
  await page.getByTestId(`${tab}-panel`).waitFor({ state: "visible" });
}

/** A grid cell the demo district has (the user form and token form need one). */
async function someGridCell(): Promise<string> {
  const { body } = await apiGet<{ features: { properties: { code: string; level: string } }[] }>(
    page,
    "/api/v1/cells?limit=5000",
  );
  const grid = body.features.find((f) => f.properties.level === "grid");
  if (!grid) throw new Error("demo district has no grid cell");
  return grid.properties.code;
}

describe("admin pages in a real browser", () => {
  it("shows the admin nav to the administrator and lists the demo users", async () => {
    await page.goto(server.url);
    await signIn(page, "admin", server.demoPassword);
    await page.getByTestId("nav-admin").click();
    await page.getByTestId("users-table").waitFor({ state: "visible" });
    const usernames = await page
      .locator("[data-testid=users-table] tbody tr")
      .evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.rowId));
    const { body } = await apiGet<{ users: UserRow[] }>(page, "/api/v1/users");
    expect(usernames.sort()).toEqual(body.users.map((u) => u.username).sort());
    expect(usernames).toContain("tech1");
  });

  it("refuses to create a user without a role, then creates one who can sign in", async () => {
    const cell = await someGridCell();
    await page.getByTestId("user-new").click();
    await page.getByTestId("input-username").fill("e2e.viewer");
    await page.getByTestId("input-displayName").fill("E2E Viewer");
    await page.getByTestId("input-password").fill("e2e-secret-password");
    await page.getByTestId("cell-filter").fill(cell);
    await page.getByTestId(`cell-${cell}`).check();
    await page.getByTestId("user-save").click();
    await expect(page.getByTestId("form-error").textContent()).resolves.toBe("Choose at least one role.");

    await page.getByTestId("check-role-viewer").check();
    await page.getByTestId("user-save").click();
    await page.locator("[data-testid=users-table] tr[data-row-id='e2e.viewer']").waitFor();
    const { body } = await apiGet<{ users: UserRow[] }>(page, "/api/v1/users");
    const created = body.users.find((u) => u.username === "e2e.viewer");
    expect(created).toMatchObject({
      displayName: "E2E Viewer",
      roles: ["viewer"],
      cellCodes: [cell],
      disabled: false,
    });

    await signOut(page);
    await signIn(page, "e2e.viewer", "e2e-secret-password");
    const me = await apiGet<{ roles: string[]; cells: string[] }>(page, "/api/v1/auth/me");
    expect(me.body).toMatchObject({ roles: ["viewer"], cells: [cell] });
    // A viewer may not manage users: no admin nav, and the route sends them elsewhere.
    await expect(page.getByTestId("nav-admin").count()).resolves.toBe(0);
    await page.goto(`${server.url}/#/admin`);
    await expect(page.getByTestId("admin-view").count()).resolves.toBe(0);
    await signOut(page);
    await signIn(page, "admin", server.demoPassword);
  });

  it("edits a user: adds a role, disables the account and resets the password", async () => {
    await openAdmin("users");
    await page.getByTestId("user-edit-e2e.viewer").click();
    await page.getByTestId("check-role-operator").check();
    await page.getByTestId("input-disabled").check();
    await page.getByTestId("input-password").fill("another-password");
    await page.getByTestId("user-save").click();
    const row = page.locator("[data-testid=users-table] tr[data-row-id='e2e.viewer']");
    await row.locator("text=Disabled").waitFor();
    const { body } = await apiGet<{ users: UserRow[] }>(page, "/api/v1/users");
    const edited = body.users.find((u) => u.username === "e2e.viewer");
    expect(edited?.roles.sort()).toEqual(["operator", "viewer"]);
    expect(edited?.disabled).toBe(true);
  });

  it("shows every role's permissions exactly as the server grants them", async () => {
    await openAdmin("roles");
    const matrix = await page.getByTestId("roles-matrix").evaluate((table) => {
      const roles = [...table.querySelectorAll("thead th[data-role]")].map(
        (th) => (th as HTMLElement).dataset.role ?? "",
      );
      const granted: Record<string, string[]> = Object.fromEntries(roles.map((role) => [role, []]));
      for (const row of table.querySelectorAll("tbody tr")) {
        const permission = (row.querySelector("th") as HTMLElement).dataset.permission ?? "";
        row.querySelectorAll("td").forEach((td, i) => {
          if (td.classList.contains("granted")) granted[roles[i] ?? ""]?.push(permission);
        });
      }
      return granted;
    });
    const expected = Object.fromEntries(
      Object.entries(rolePermissions).map(([role, permissions]) => [role, [...permissions].sort()]),
    );
    const shown = Object.fromEntries(
      Object.entries(matrix).map(([role, permissions]) => [role, permissions.sort()]),
    );
    expect(shown).toEqual(expected);
  });

  it("creates an API token, shows its secret once, the secret works, and revoking it stops it", async () => {
    const cell = await someGridCell();
    await openAdmin("tokens");
    // The administrator cannot search plates, so cannot mint a token that can.
    await page.getByTestId("token-new").click();
    await expect(page.getByTestId("check-permission-plates:search").count()).resolves.toBe(0);
    await page.getByTestId("input-tokenName").fill("e2e integration");
    await page.getByTestId("check-permission-cells:read").check();
    await page.getByTestId("cell-filter").fill(cell);
    await page.getByTestId(`cell-${cell}`).check();
    await page.getByTestId("input-tokenCameras").fill("bad id!");
    await page.getByTestId("token-save").click();
    await expect(page.getByTestId("form-error").textContent()).resolves.toBe("Not a camera id: id!");
    await page.getByTestId("input-tokenCameras").fill("");
    await page.getByTestId("token-save").click();

    const secret = (await page.getByTestId("token-secret").textContent()) ?? "";
    expect(secret).toMatch(/^gto_\d+_/);
    await page.getByTestId("token-copy").click();
    await page.waitForFunction(
      () => document.querySelector("[data-testid=token-copy]")?.textContent !== "Copy",
    );
    await expect(page.getByTestId("token-copy").textContent()).resolves.toBe("Copied");
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(secret);

    const withToken = () =>
      page.evaluate(async (token) => {
        const response = await fetch("/api/v1/auth/me", {
          headers: { authorization: `Bearer ${token}` },
          credentials: "omit",
        });
        return { status: response.status, body: response.ok ? await response.json() : null };
      }, secret);
    const me = await withToken();
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ permissions: ["cells:read"], cells: [cell] });

    await page.getByTestId("token-secret-done").click();
    await expect(page.getByTestId("token-secret").count()).resolves.toBe(0);
    const id = secret.split("_")[1];
    const row = page.locator(`[data-testid=tokens-table] tr[data-row-id='${id}']`);
    // The list was reloaded after the token was used once: it shows a last-used time.
    await page.reload();
    await row.waitFor();
    expect(await row.textContent()).toContain("e2e integration");
    expect(await row.textContent()).not.toContain("Never used");

    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByTestId(`token-revoke-${id}`).click();
    await row.locator("text=Revoked").waitFor();
    expect((await withToken()).status).toBe(401);
  });

  it("filters the audit log, pages through it and exports the same filter as CSV", async () => {
    await openAdmin("audit");
    // The first page redraws the panel, filter bar included: a click on Apply at that moment
    // would land on the replaced button and be lost, so filter once it is there.
    await page.getByTestId("audit-table").waitFor();
    await page.getByTestId("input-auditAction").fill("user.create");
    await page.getByTestId("audit-apply").click();
    await page.getByTestId("audit-table").locator("tbody tr").first().waitFor();
    const actions = await page
      .locator("[data-testid=audit-table] tbody tr td:nth-child(3)")
      .evaluateAll((cells) => cells.map((cell) => cell.textContent));
    expect(actions.length).toBeGreaterThan(0);
    expect(new Set(actions)).toEqual(new Set(["user.create"]));

    const href = (await page.getByTestId("audit-export").getAttribute("href")) ?? "";
    expect(href).toContain("action=user.create");
    const csv = await page.evaluate(async (url) => (await fetch(url)).text(), href);
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toContain("occurred_at");
    expect(lines.slice(1).every((line) => line.includes(",user.create,"))).toBe(true);
    expect(lines.length - 1).toBe(actions.length);

    // Unfiltered, the demo log has more than one page of 50; Older then Newer come back to page 1.
    await page.getByTestId("input-auditAction").fill("");
    await page.getByTestId("audit-apply").click();
    await page.getByTestId("audit-table").locator("tbody tr").first().waitFor();
    const firstPage = await page
      .locator("[data-testid=audit-table] tbody tr")
      .first()
      .getAttribute("data-row-id");
    if (await page.getByTestId("audit-older").isEnabled()) {
      await page.getByTestId("audit-older").click();
      await page.waitForFunction(
        (first) =>
          document.querySelector("[data-testid=audit-table] tbody tr")?.getAttribute("data-row-id") !== first,
        firstPage,
      );
      const secondFirst = Number(
        await page.locator("[data-testid=audit-table] tbody tr").first().getAttribute("data-row-id"),
      );
      expect(secondFirst).toBeLessThan(Number(firstPage));
      await page.getByTestId("audit-newer").click();
      await page.waitForFunction(
        (first) =>
          document.querySelector("[data-testid=audit-table] tbody tr")?.getAttribute("data-row-id") === first,
        firstPage,
      );
    }
    expect(problems).toEqual([]);
  });

  it("relabels the admin page in Chinese", async () => {
    await page.getByTestId("language-zh-CN").click();
    await expect(page.getByTestId("admin-tab-audit").textContent()).resolves.toBe("审计日志");
    await expect(page.locator(".view-title").textContent()).resolves.toBe("系统管理");
    await page.getByTestId("language-en").click();
  });
});
