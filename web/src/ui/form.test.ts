// @vitest-environment happy-dom
import { describe, expect, it, vi } from "vitest";
import { el, fire, kids } from "./dom.test-support.js";
import { checkboxLabel, filterBar, filteredLayout, form } from "./form.js";

const input = (testId: string) => {
  const element = document.createElement("input");
  element.setAttribute("data-testid", testId);
  return element;
};

describe("form", () => {
  it("sets class, test id, novalidate only when asked, and the submit handler", () => {
    const onSubmit = vi.fn();
    const checked = el(form({ className: "admin-form", testId: "f", onSubmit }, "x"));
    expect(checked.tagName).toBe("FORM");
    expect(checked.className).toBe("admin-form");
    expect(checked.getAttribute("data-testid")).toBe("f");
    expect(checked.hasAttribute("novalidate")).toBe(false);
    expect(
      el(form({ className: "", testId: "g", onSubmit, novalidate: true })).hasAttribute("novalidate"),
    ).toBe(true);
    fire(checked, "submit");
    expect(onSubmit).toHaveBeenCalledOnce();
  });
});

describe("filterBar", () => {
  it("puts the fields first, then apply (submit), reset and the extra actions, then the footer", () => {
    const bar = el(
      filterBar({
        testId: "audit-filters",
        onSubmit: () => {},
        fields: [input("input-a"), input("input-b")],
        apply: { text: "Apply", testId: "audit-apply" },
        reset: { text: "Reset", onReset: () => {} },
        extraActions: [input("audit-export")],
        footer: input("form-error"),
      }),
    );
    expect(bar.className).toBe("filter-bar");
    expect(bar.getAttribute("data-testid")).toBe("audit-filters");
    const [a, b, actions, footer] = kids(bar);
    expect([a, b, footer].map((e) => e?.getAttribute("data-testid"))).toEqual([
      "input-a",
      "input-b",
      "form-error",
    ]);
    expect(actions?.className).toBe("form-actions");
    const [apply, reset, extra] = kids(actions);
    expect(apply?.getAttribute("type")).toBe("submit");
    expect(apply?.getAttribute("data-testid")).toBe("audit-apply");
    expect(apply?.textContent).toBe("Apply");
    expect(reset?.getAttribute("type")).toBe("button");
    expect(reset?.textContent).toBe("Reset");
    expect(reset?.hasAttribute("data-testid")).toBe(false);
    expect(extra?.getAttribute("data-testid")).toBe("audit-export");
  });

  it("submits through onSubmit and resets through onReset, each only on its own event", () => {
    const onSubmit = vi.fn();
    const onReset = vi.fn();
    const bar = el(
      filterBar({
        testId: "fleet-filters",
        onSubmit,
        fields: [],
        apply: { text: "Apply", testId: "fleet-apply" },
        reset: { text: "Reset", onReset },
      }),
    );
    fire(bar, "submit");
    expect(onSubmit).toHaveBeenCalledOnce();
    expect(onReset).not.toHaveBeenCalled();
    fire(kids(kids(bar)[0])[1], "click");
    expect(onReset).toHaveBeenCalledOnce();
    expect(onSubmit).toHaveBeenCalledOnce();
  });

  it("has only the apply button when there is no reset or extra action", () => {
    const bar = el(
      filterBar({
        testId: "search-form",
        onSubmit: () => {},
        novalidate: true,
        fields: [],
        apply: { text: "Search", testId: "search-submit" },
      }),
    );
    expect(bar.hasAttribute("novalidate")).toBe(true);
    expect(kids(bar).map((c) => c.className)).toEqual(["form-actions"]);
    expect(kids(kids(bar)[0]).map((c) => c.getAttribute("data-testid"))).toEqual(["search-submit"]);
  });
});

describe("checkboxLabel", () => {
  it("wraps the box and its text in one label", () => {
    const box = input("input-partial");
    const label = el(checkboxLabel(box, "Partial plate"));
    expect(label.tagName).toBe("LABEL");
    expect(label.className).toBe("checkbox");
    expect(label.childNodes[0]).toBe(box);
    expect(label.textContent).toBe("Partial plate");
  });
});

describe("filteredLayout", () => {
  const barWith = (field: HTMLInputElement) =>
    filterBar({ testId: "f", onSubmit: () => {}, fields: [field], apply: { text: "Apply", testId: "a" } });

  it("keeps the bar, and the focus in it, while the body is redrawn; rebuilds it when its key changes", () => {
    const panel = document.createElement("section");
    document.body.append(panel);
    const layout = filteredLayout(panel);
    const search = input("search");
    const build = vi.fn(() => barWith(search));
    layout.showBar("en", build);
    layout.showBody("loading");
    const bar = panel.querySelector("form");
    search.focus();
    expect(document.activeElement).toBe(search);

    layout.showBar("en", build);
    layout.showBody(input("row-1"), null, input("row-2"));
    expect(build).toHaveBeenCalledOnce();
    expect(panel.querySelector("form")).toBe(bar);
    expect(document.activeElement).toBe(search);
    expect(panel.querySelectorAll("[data-testid^=row-]")).toHaveLength(2);
    expect(panel.textContent).not.toContain("loading");

    layout.showBar("zh-CN", build);
    expect(build).toHaveBeenCalledTimes(2);
    expect(panel.querySelector("form")).not.toBe(bar);
    // Bar before body, and nothing else in the panel.
    expect(panel.querySelectorAll("form")).toHaveLength(1);
    expect(panel.firstElementChild?.firstElementChild?.tagName).toBe("FORM");
    panel.remove();
  });
});
