import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

// The page's test hooks, as far as these helpers read them; declared here because this file is
// also type-checked with the benchmarks, which have no DOM library (and the app's CSP forbids
// passing code to the page as a string).
declare const window: { __gridops?: { ready: boolean; live?: unknown } };

export const CHROMIUM = process.env.GRIDOPS_CHROMIUM ?? "/usr/bin/chromium";
const WEB_ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Headless Debian Chromium with a throwaway profile; WebGL falls back to software rendering. */
export async function launchBrowser(
  locale: string,
): Promise<{ context: BrowserContext; page: Page; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), "gridops-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1280, height: 800 },
    locale,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The server serves web/dist; build it once if this checkout has not been built yet. */
export async function ensureWebBuilt(): Promise<void> {
  if (existsSync(join(WEB_ROOT, "dist", "index.html"))) return;
  const { build } = await import("vite");
  await build({ root: WEB_ROOT, configFile: join(WEB_ROOT, "vite.config.ts"), logLevel: "warn" });
}

export interface SharedChromium {
  browser: Browser;
  /** A fresh browser context (own cookies and storage), i.e. another user at another desk. */
  newPage(options?: { locale?: string; viewport?: { width: number; height: number } }): Promise<Page>;
  close(): Promise<void>;
}

/** One Chromium process for several isolated users (contexts), cheaper than one process each. */
export async function launchSharedChromium(): Promise<SharedChromium> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
      "--autoplay-policy=no-user-gesture-required",
    ],
  });
  return {
    browser,
    async newPage(options = {}) {
      const context = await browser.newContext({
        locale: options.locale ?? "zh-CN",
        viewport: options.viewport ?? { width: 1280, height: 800 },
      });
      return context.newPage();
    },
    close: () => browser.close(),
  };
}

export async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(baseUrl);
  await page.getByTestId("login-username").fill(username);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-form").locator("button[type=submit]").click();
}

/** Waits until the command map is drawn, its incidents are loaded and the realtime stream is live. */
/** Signs a grid leader in and waits for their live queue (or its empty state). */
export async function openLeaderView(
  page: Page,
  baseUrl: string,
  username: string,
  password: string,
): Promise<void> {
  await signIn(page, baseUrl, username, password);
  await page.getByTestId("grid-leader-view").waitFor();
  await page.locator("[data-testid=connection][data-status=live]").waitFor();
  await page.getByTestId("leader-queue").or(page.getByTestId("queue-empty")).first().waitFor();
}

export async function waitForCommandMap(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__gridops?.ready === true && window.__gridops.live != null, null, {
    timeout: 60_000,
  });
  await page.getByTestId("incident-list").or(page.getByTestId("incident-list-empty")).first().waitFor();
  await page.locator("[data-testid=connection][data-status=live]").waitFor();
  await waitForMapIdle(page);
}

/**
 * Waits until MapLibre has finished drawing (its `idle` event). A software-rendered first draw
 * of the whole district keeps the page busy for seconds; latency checks start after it.
 */
export async function waitForMapIdle(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        // Only the few MapLibre calls needed here; the page's hooks type lives in the app.
        type IdleMap = {
          loaded(): boolean;
          areTilesLoaded(): boolean;
          isMoving(): boolean;
          once(event: "idle", listener: () => void): unknown;
        };
        const map = (window as unknown as { __gridops?: { map?: IdleMap } }).__gridops?.map;
        if (!map || (map.loaded() && map.areTilesLoaded() && !map.isMoving())) return resolve();
        const timer = setTimeout(resolve, 30_000);
        map.once("idle", () => {
          clearTimeout(timer);
          resolve();
        });
      }),
  );
}

/** Collects page errors so a test can assert the app ran clean. */
export function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && !/Failed to load resource/.test(message.text()))
      problems.push(message.text());
  });
  return problems;
}
