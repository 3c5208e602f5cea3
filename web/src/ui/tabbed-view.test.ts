// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from "vitest";
import { byTestId, el, fire, kids } from "./dom.test-support.js";
import { createTabbedView, permittedTabs, type TabPanel } from "./tabbed-view.js";

type Tab = "users" | "audit";

beforeEach(() => {
  window.location.hash = "#/admin?tab=audit";
});

/** The user edits the address bar: the browser fires hashchange. */
function navigate(hash: string): void {
  window.location.hash = hash;
  window.dispatchEvent(new Event("hashchange"));
}

/** A view over `tabs` whose panels count their builds, renders and destroys. */
function view(tabs: Tab[], requested: string | null) {
  const built: Tab[] = [];
  const destroyed: Tab[] = [];
  const panel = (tab: Tab): TabPanel => {
    built.push(tab);
    const element = document.createElement("section");
    element.setAttribute("data-testid", `${tab}-panel`);
    return { element, render: () => {}, destroy: () => destroyed.push(tab) };
  };
  const tabbed = createTabbedView<Tab>({
    className: "page-view admin-view",
    testId: "admin-view",
    tabs,
    requested,
    panel,
    title: () => "Administration",
    tabLabel: (tab) => `Tab ${tab}`,
    forbidden: () => "Not allowed",
    tabTestIdPrefix: "admin-tab",
  });
  const element = el(tabbed.element);
  const shown = () => kids(kids(element)[2])[0]?.getAttribute("data-testid") ?? null;
  const tabButton = (tab: Tab): HTMLElement | undefined => byTestId(element, `admin-tab-${tab}`);
  return { tabbed, element, built, destroyed, shown, tabButton };
}

describe("permittedTabs", () => {
  it("keeps the tabs whose permission the session holds, in the table's order", () => {
    const table = { users: "users:manage", roles: "users:manage", audit: "audit:read" };
    expect(permittedTabs(table, ["audit:read", "users:manage"])).toEqual(["users", "roles", "audit"]);
    expect(permittedTabs(table, ["audit:read"])).toEqual(["audit"]);
    expect(permittedTabs(table, [])).toEqual([]);
  });
});

describe("createTabbedView", () => {
  it("opens the requested tab, titled, with one button per tab", () => {
    const v = view(["users", "audit"], "audit");
    expect(v.element.getAttribute("data-testid")).toBe("admin-view");
    expect(kids(v.element)[0]?.textContent).toBe("Administration");
    expect(v.shown()).toBe("audit-panel");
    expect(v.tabButton("users")?.textContent).toBe("Tab users");
    expect(v.tabButton("audit")?.getAttribute("aria-selected")).toBe("true");
    expect(v.built).toEqual(["audit"]);
  });

  it("opens the first tab for an unknown or missing request", () => {
    expect(view(["users", "audit"], "roles").shown()).toBe("users-panel");
    expect(view(["users", "audit"], null).shown()).toBe("users-panel");
  });

  it("says the page is not allowed when no tab is", () => {
    const v = view([], "audit");
    expect(kids(v.element)[1]?.childNodes.length).toBe(0);
    expect(kids(v.element)[2]?.textContent).toBe("Not allowed");
  });

  it("switches on a tab click, records it in the hash, and builds each panel once", () => {
    const v = view(["users", "audit"], "audit");
    fire(v.tabButton("users"), "click");
    expect(v.shown()).toBe("users-panel");
    expect(window.location.hash).toBe("#/admin?tab=users");
    fire(v.tabButton("audit"), "click");
    fire(v.tabButton("users"), "click");
    expect(v.built).toEqual(["audit", "users"]);
  });

  it("follows the hash when the address changes, ignoring tabs it does not have", () => {
    const v = view(["users", "audit"], "audit");
    navigate("#/admin?tab=users");
    expect(v.shown()).toBe("users-panel");
    navigate("#/admin?tab=roles");
    expect(v.shown()).toBe("users-panel");
  });

  it("stops following the hash and destroys the built panels on destroy", () => {
    const v = view(["users", "audit"], "audit");
    fire(v.tabButton("users"), "click");
    v.tabbed.destroy();
    expect(v.destroyed.sort()).toEqual(["audit", "users"]);
    navigate("#/admin?tab=audit");
    expect(v.shown()).toBe("users-panel");
  });
});
