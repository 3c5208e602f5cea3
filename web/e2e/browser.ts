import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";

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
