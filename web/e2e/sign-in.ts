import type { Page } from "playwright-core";

/** Fills the login form and waits until the app shell shows the signed-in user. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByTestId("login-username").fill(username);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-form").locator("button[type=submit]").click();
  await page.getByTestId("user-menu").waitFor({ state: "visible", timeout: 30_000 });
}

export async function signOut(page: Page): Promise<void> {
  await page.getByTestId("user-menu").click();
  await page.getByTestId("logout").click();
  await page.getByTestId("login-form").waitFor({ state: "visible" });
}

/** Calls the API from inside the page, so the request carries the page's session cookie. */
export function apiGet<T>(page: Page, path: string): Promise<{ status: number; body: T }> {
  return page.evaluate(async (url) => {
    const response = await fetch(url, { headers: { accept: "application/json" } });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  }, path);
}

/** Collects uncaught page errors, so a test can assert the page ran clean. */
export function collectPageErrors(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  return problems;
}
