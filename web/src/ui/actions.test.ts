// @vitest-environment happy-dom
import { describe, expect, it, vi } from "vitest";
import { button, formActions, pager, toolbar } from "./actions.js";
import { byTestId, el, fire, kids } from "./dom.test-support.js";

describe("button", () => {
  it("is a plain button unless told it submits, so it never submits a form by accident", () => {
    expect(el(button({ text: "Reset" })).getAttribute("type")).toBe("button");
    expect(el(button({ text: "Apply", submit: true })).getAttribute("type")).toBe("submit");
  });

  it("carries its text, test id, class and further attributes", () => {
    const b = el(
      button({ text: "Remove", testId: "entry-remove-7", className: "danger", attrs: { title: "gone" } }),
    );
    expect(b.tagName).toBe("BUTTON");
    expect(b.textContent).toBe("Remove");
    expect(b.getAttribute("data-testid")).toBe("entry-remove-7");
    expect(b.className).toBe("danger");
    expect(b.getAttribute("title")).toBe("gone");
  });

  it("has no test id or class attribute when none is given", () => {
    const b = el(button({ text: "Cancel" }));
    expect(b.hasAttribute("data-testid")).toBe(false);
    expect(b.className).toBe("");
  });

  it("is disabled only while told so", () => {
    expect(el(button({ text: "Save", disabled: true })).hasAttribute("disabled")).toBe(true);
    expect(el(button({ text: "Save", disabled: false })).hasAttribute("disabled")).toBe(false);
    expect(el(button({ text: "Save" })).hasAttribute("disabled")).toBe(false);
  });

  it("calls onClick on a click, once per click", () => {
    const onClick = vi.fn();
    const b = el(button({ text: "Go", onClick }));
    fire(b, "click");
    fire(b, "click");
    expect(onClick).toHaveBeenCalledTimes(2);
  });

  it("puts children after the text", () => {
    const badge = document.createElement("span");
    badge.textContent = "online";
    const b = el(button({ text: "" }, badge, " 3"));
    expect(b.textContent).toBe("online 3");
    expect(kids(b).map((c) => c.tagName)).toEqual(["SPAN"]);
  });
});

describe("button rows", () => {
  it("wraps its children in the row's class and skips the absent ones", () => {
    const row = el(formActions(button({ text: "A" }), null, false, button({ text: "B" })));
    expect(row.className).toBe("form-actions");
    expect(kids(row).map((c) => c.textContent)).toEqual(["A", "B"]);
    expect(el(toolbar("x")).className).toBe("toolbar");
  });

  it("pager: previous, the position, next, each button with its own state", () => {
    const back = vi.fn();
    const p = el(
      pager({ text: "Newer", testId: "newer", disabled: true, onClick: back }, "Page 1", {
        text: "Older",
        testId: "older",
      }),
    );
    expect(p.className).toBe("pager");
    expect(Array.from(p.childNodes, (n) => n.textContent)).toEqual(["Newer", "Page 1", "Older"]);
    expect(byTestId(p, "newer")?.hasAttribute("disabled")).toBe(true);
    expect(byTestId(p, "older")?.hasAttribute("disabled")).toBe(false);
    fire(byTestId(p, "newer"), "click");
    expect(back).toHaveBeenCalledOnce();
  });
});
