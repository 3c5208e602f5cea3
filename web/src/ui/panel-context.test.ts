// @vitest-environment happy-dom
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/errors.js";
import { translatorFor } from "../i18n/i18n.js";
import { LanguageStore } from "../i18n/language-store.js";
import { el, fire, kids } from "./dom.test-support.js";
import { panelContext } from "./panel-context.js";

function context(language: "en" | "zh-CN") {
  const languages = new LanguageStore(language, null);
  const session = {
    user: { id: 1, username: "admin", displayName: "Admin" },
    roles: [],
    permissions: [],
    cells: [],
  };
  return panelContext({ session, languages, onUnauthenticated: () => {} }, () => translatorFor(language), {
    loading: "map.loading",
    failed: "map.loadFailed",
    retry: "map.retry",
  });
}

/** renderData for states that must not reach it. */
const unused = (): Node => {
  throw new Error("renderData called without data");
};

describe("panelContext.renderLoadable", () => {
  it("shows the view's loading text while loading", () => {
    const node = el(context("en").renderLoadable({ state: "loading" }, () => {}, unused));
    expect(node.getAttribute("data-testid")).toBe("panel-loading");
    expect(node.textContent).toBe(translatorFor("en")("map.loading"));
    const zh = el(context("zh-CN").renderLoadable({ state: "loading" }, () => {}, unused));
    expect(zh.textContent).toBe(translatorFor("zh-CN")("map.loading"));
  });

  it("shows the failure, the error's own text and a retry button that calls retry", () => {
    const retry = vi.fn();
    const error = new ApiError("cell_not_found", "Cell 3101 does not exist", 404);
    const node = el(context("en").renderLoadable({ state: "error", error }, retry, unused));
    expect(node.getAttribute("data-testid")).toBe("panel-error");
    expect(node.textContent).toContain(translatorFor("en")("map.loadFailed"));
    expect(node.textContent).toContain("Cell 3101 does not exist");
    const button = kids(node).find((child) => child.tagName === "BUTTON");
    expect(button?.textContent).toBe(translatorFor("en")("map.retry"));
    fire(button, "click");
    expect(retry).toHaveBeenCalledOnce();
  });

  it("hands ready data to renderData and shows what it returns", () => {
    const shown = document.createElement("table");
    const renderData = vi.fn((rows: number[]) => (rows.length === 2 ? shown : document.createElement("p")));
    const node = context("en").renderLoadable({ state: "ready", data: [1, 2] }, () => {}, renderData);
    expect(node).toBe(shown);
    expect(renderData).toHaveBeenCalledWith([1, 2]);
  });
});
