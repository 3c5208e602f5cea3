import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fake, fakeDocument } from "./fake-dom.test-support.js";
import { checkboxLabel, filterBar, form } from "./form.js";

beforeEach(() => vi.stubGlobal("document", fakeDocument));
afterEach(() => vi.unstubAllGlobals());

const input = (testId: string) => {
  const element = document.createElement("input");
  element.setAttribute("data-testid", testId);
  return element;
};

describe("form", () => {
  it("sets class, test id, novalidate only when asked, and the submit handler", () => {
    const onSubmit = vi.fn();
    const checked = fake(form({ className: "admin-form", testId: "f", onSubmit }, "x"));
    expect(checked.tagName).toBe("FORM");
    expect(checked.className).toBe("admin-form");
    expect(checked.getAttribute("data-testid")).toBe("f");
    expect(checked.hasAttribute("novalidate")).toBe(false);
    expect(
      fake(form({ className: "", testId: "g", onSubmit, novalidate: true })).hasAttribute("novalidate"),
    ).toBe(true);
    checked.dispatch("submit");
    expect(onSubmit).toHaveBeenCalledOnce();
  });
});

describe("filterBar", () => {
  it("puts the fields first, then apply (submit), reset and the extra actions, then the footer", () => {
    const bar = fake(
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
    const [a, b, actions, footer] = bar.children;
    expect([a, b, footer].map((e) => e?.getAttribute("data-testid"))).toEqual([
      "input-a",
      "input-b",
      "form-error",
    ]);
    expect(actions?.className).toBe("form-actions");
    const [apply, reset, extra] = actions?.children ?? [];
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
    const bar = fake(
      filterBar({
        testId: "fleet-filters",
        onSubmit,
        fields: [],
        apply: { text: "Apply", testId: "fleet-apply" },
        reset: { text: "Reset", onReset },
      }),
    );
    bar.dispatch("submit");
    expect(onSubmit).toHaveBeenCalledOnce();
    expect(onReset).not.toHaveBeenCalled();
    bar.children[0]?.children[1]?.dispatch("click");
    expect(onReset).toHaveBeenCalledOnce();
    expect(onSubmit).toHaveBeenCalledOnce();
  });

  it("has only the apply button when there is no reset or extra action", () => {
    const bar = fake(
      filterBar({
        testId: "search-form",
        onSubmit: () => {},
        novalidate: true,
        fields: [],
        apply: { text: "Search", testId: "search-submit" },
      }),
    );
    expect(bar.hasAttribute("novalidate")).toBe(true);
    expect(bar.children.map((c) => c.className)).toEqual(["form-actions"]);
    expect(bar.children[0]?.children.map((c) => c.getAttribute("data-testid"))).toEqual(["search-submit"]);
  });
});

describe("checkboxLabel", () => {
  it("wraps the box and its text in one label", () => {
    const box = input("input-partial");
    const label = fake(checkboxLabel(box, "Partial plate"));
    expect(label.tagName).toBe("LABEL");
    expect(label.className).toBe("checkbox");
    expect(label.childNodes[0]).toBe(box);
    expect(label.textContent).toBe("Partial plate");
  });
});
