import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { button, formActions, pager, toolbar } from "./actions.js";
import { fake, fakeDocument } from "./fake-dom.test-support.js";

beforeEach(() => vi.stubGlobal("document", fakeDocument));
afterEach(() => vi.unstubAllGlobals());

describe("button", () => {
  it("is a plain button unless told it submits, so it never submits a form by accident", () => {
    expect(fake(button({ text: "Reset" })).getAttribute("type")).toBe("button");
    expect(fake(button({ text: "Apply", submit: true })).getAttribute("type")).toBe("submit");
  });

  it("carries its text, test id, class and further attributes", () => {
    const b = fake(
      button({ text: "Remove", testId: "entry-remove-7", className: "danger", attrs: { title: "gone" } }),
    );
    expect(b.tagName).toBe("BUTTON");
    expect(b.textContent).toBe("Remove");
    expect(b.getAttribute("data-testid")).toBe("entry-remove-7");
    expect(b.className).toBe("danger");
    expect(b.getAttribute("title")).toBe("gone");
  });

  it("has no test id or class attribute when none is given", () => {
    const b = fake(button({ text: "Cancel" }));
    expect(b.hasAttribute("data-testid")).toBe(false);
    expect(b.className).toBe("");
  });

  it("is disabled only while told so", () => {
    expect(fake(button({ text: "Save", disabled: true })).hasAttribute("disabled")).toBe(true);
    expect(fake(button({ text: "Save", disabled: false })).hasAttribute("disabled")).toBe(false);
    expect(fake(button({ text: "Save" })).hasAttribute("disabled")).toBe(false);
  });

  it("calls onClick on a click, once per click", () => {
    const onClick = vi.fn();
    const b = fake(button({ text: "Go", onClick }));
    b.dispatch("click");
    b.dispatch("click");
    expect(onClick).toHaveBeenCalledTimes(2);
  });

  it("puts children after the text", () => {
    const badge = document.createElement("span");
    badge.textContent = "online";
    const b = fake(button({ text: "" }, badge, " 3"));
    expect(b.textContent).toBe("online 3");
    expect(b.children.map((c) => c.tagName)).toEqual(["SPAN"]);
  });
});

describe("button rows", () => {
  it("wraps its children in the row's class and skips the absent ones", () => {
    const row = fake(formActions(button({ text: "A" }), null, false, button({ text: "B" })));
    expect(row.className).toBe("form-actions");
    expect(row.children.map((c) => c.textContent)).toEqual(["A", "B"]);
    expect(fake(toolbar("x")).className).toBe("toolbar");
  });

  it("pager: previous, the position, next, each button with its own state", () => {
    const back = vi.fn();
    const p = fake(
      pager({ text: "Newer", testId: "newer", disabled: true, onClick: back }, "Page 1", {
        text: "Older",
        testId: "older",
      }),
    );
    expect(p.className).toBe("pager");
    expect(p.childNodes.map((n) => (typeof n === "string" ? n : n.textContent))).toEqual([
      "Newer",
      "Page 1",
      "Older",
    ]);
    expect(p.byTestId("newer")?.hasAttribute("disabled")).toBe(true);
    expect(p.byTestId("older")?.hasAttribute("disabled")).toBe(false);
    p.byTestId("newer")?.dispatch("click");
    expect(back).toHaveBeenCalledOnce();
  });
});
