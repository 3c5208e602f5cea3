import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer } from "../../server/src/test-support/test-server.js";
import { ensureWebBuilt, launchBrowser } from "./browser.js";

const SCREENSHOT = fileURLToPath(new URL("../../docs/screenshot-map.png", import.meta.url));

type Running = Awaited<ReturnType<typeof startTestServer>>;
type Browser = Awaited<ReturnType<typeof launchBrowser>>;

let server: Running;
let browser: Browser;
let page: Page;
const problems: string[] = [];

/** Counts what the API itself returns, following cursors, with the page's own session cookie. */
function apiCount(path: string): Promise<number> {
  return page.evaluate(async (apiPath) => {
    let total = 0;
    let cursor: string | null = null;
    do {
      const url = new URL(apiPath, window.location.href);
      url.searchParams.set("limit", "5000");
      if (cursor) url.searchParams.set("cursor", cursor);
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${apiPath}: HTTP ${response.status}`);
      const body = (await response.json()) as { features: unknown[]; next_cursor?: string | null };
      total += body.features.length;
      cursor = body.next_cursor ?? null;
    } while (cursor);
    return total;
  }, path);
}

async function waitForMap(): Promise<void> {
  await page.waitForFunction(() => window.__gridops?.ready === true, null, { timeout: 60_000 });
}

async function signIn(username: string, password: string): Promise<void> {
  await page.getByTestId("login-username").fill(username);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-form").locator("button[type=submit]").click();
}

beforeAll(async () => {
  await ensureWebBuilt();
  server = await startTestServer({ demo: true });
  browser = await launchBrowser("zh-CN");
  page = browser.page;
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    // CSP violations and failed font loads surface only as console errors.
    if (message.type() === "error" && /Content Security Policy|font face/i.test(message.text())) {
      problems.push(message.text());
    }
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("command map in a real browser", () => {
  it("shows the login page in the browser's language and refuses a wrong password", async () => {
    await page.goto(server.url);
    await expect(page.locator("h1").textContent()).resolves.toBe("登录");
    await signIn("commander", "not-the-password");
    await expect(page.getByTestId("login-error").textContent()).resolves.toBe("用户名或密码错误。");
  });

  it("signs the commander in and draws exactly the cells, checkpoints and cameras the API returns", async () => {
    await signIn("commander", server.demoPassword);
    await waitForMap();
    const expected = {
      cells: await apiCount("/api/v1/cells"),
      checkpoints: await apiCount("/api/v1/checkpoints"),
      cameras: await apiCount("/api/v1/cameras"),
    };
    expect(expected.cells).toBeGreaterThan(0);
    expect(expected.cameras).toBeGreaterThan(0);
    const drawn = await page.evaluate(() => {
      const hooks = window.__gridops;
      if (!hooks) throw new Error("no test hooks");
      return {
        cells: hooks.sourceFeatureCount("cells"),
        checkpoints: hooks.sourceFeatureCount("checkpoints"),
        cameras: hooks.sourceFeatureCount("cameras"),
      };
    });
    expect(drawn).toEqual(expected);
    await expect(page.getByTestId("user-menu").textContent()).resolves.not.toBe("");
  });

  it("opens a popup with the camera's details when a camera is clicked", async () => {
    const target = await page.evaluate(async () => {
      const map = window.__gridops?.map;
      if (!map) throw new Error("no map");
      const response = await fetch("/api/v1/cameras?limit=5000");
      const body = (await response.json()) as {
        features: {
          geometry: { coordinates: [number, number] };
          properties: { name: string; checkpoint_id: string | null };
        }[];
      };
      // A camera out in a grid, not one of several lane cameras stacked at a checkpoint.
      const camera = body.features.find((feature) => feature.properties.checkpoint_id === null);
      if (!camera) throw new Error("no camera");
      map.jumpTo({ center: camera.geometry.coordinates, zoom: 17 });
      await new Promise((resolve) => map.once("idle", resolve));
      const point = map.project(camera.geometry.coordinates);
      const box = map.getCanvas().getBoundingClientRect();
      return { x: box.left + point.x, y: box.top + point.y, name: camera.properties.name };
    });
    await page.mouse.click(target.x, target.y);
    const popup = page.getByTestId("popup-camera");
    await popup.waitFor({ state: "visible", timeout: 10_000 });
    const text = (await popup.textContent()) ?? "";
    expect(text).toContain(target.name);
    expect(text).toContain("摄像机");
    expect(text).toContain("健康状态");
    // View cones are made once the map is zoomed in far enough to show them (not at first render).
    await page.waitForFunction(() => (window.__gridops?.sourceFeatureCount("camera-cones") ?? 0) > 0, null, {
      timeout: 10_000,
    });
  });

  it("switches the interface and the map labels between zh-CN and en", async () => {
    const labelField = () =>
      page.evaluate(() =>
        JSON.stringify(window.__gridops?.map.getLayoutProperty("cells-label", "text-field")),
      );
    await page.getByTestId("language-en").click();
    await expect(page.getByTestId("nav-command").textContent()).resolves.toBe("Command map");
    await expect(page.getByTestId("layer-panel").textContent()).resolves.toContain("Cameras");
    await expect(page.getByTestId("popup-camera").textContent()).resolves.toContain("Health");
    await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe("en");
    expect(await labelField()).toContain("name_en");
    await expect(page.locator(".maplibregl-ctrl-zoom-in").getAttribute("aria-label")).resolves.toBe(
      "Zoom in",
    );

    await page.getByTestId("language-zh-CN").click();
    await expect(page.getByTestId("nav-command").textContent()).resolves.toBe("指挥地图");
    await expect(page.getByTestId("layer-panel").textContent()).resolves.toContain("摄像机");
    expect(await labelField()).not.toContain("name_en");
    await expect(page.locator(".maplibregl-ctrl-zoom-in").getAttribute("aria-label")).resolves.toBe("放大");
  });

  it("signs out from the user menu; a technician then sees the camera layer", async () => {
    await page.getByTestId("user-menu").click();
    await page.getByTestId("logout").click();
    await page.getByTestId("login-form").waitFor({ state: "visible" });
    await signIn("tech1", server.demoPassword);
    // The page is still at #/command, which technicians may open too (their own board is #/tech).
    await page.getByTestId("nav-command").waitFor();
    expect(new URL(page.url()).hash).toBe("#/command");
    await page.waitForFunction(
      () => window.__gridops?.ready === true && window.__gridops.live !== undefined,
      null,
      {
        timeout: 60_000,
      },
    );
    await expect(page.getByTestId("toggle-cameras").isChecked()).resolves.toBe(true);
    const cameras = await page.evaluate(() => window.__gridops?.sourceFeatureCount("cameras") ?? 0);
    expect(cameras).toBe(await apiCount("/api/v1/cameras"));
    await page.getByTestId("user-menu").click();
    await expect(page.locator(".user-menu-roles").textContent()).resolves.toBe("运维技术员");
    await page.getByTestId("logout").click();
    await page.getByTestId("login-form").waitFor({ state: "visible" });
    await signIn("commander", server.demoPassword);
    await waitForMap();
  });

  it("keeps the language choice across a reload and writes the README screenshot", async () => {
    await page.getByTestId("language-zh-CN").click();
    await page.reload();
    await waitForMap();
    await expect(page.getByTestId("nav-command").textContent()).resolves.toBe("指挥地图");
    mkdirSync(fileURLToPath(new URL("../../docs/", import.meta.url)), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(problems).toEqual([]);
  });
});
