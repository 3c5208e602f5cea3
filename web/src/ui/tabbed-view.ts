import { h } from "./dom.js";
import { setHashParam, watchHashParam } from "./hash-param.js";
import { renderTabs } from "./tabs.js";

/** A tab's content: built on first visit, kept while the view lives. */
export interface TabPanel {
  element: HTMLElement;
  render(): void;
  destroy?(): void;
}

/** The tabs a session may open, in display order: the UI hides what the server would refuse. */
export function permittedTabs<Tab extends string>(
  tabPermission: Readonly<Record<Tab, string>>,
  permissions: readonly string[],
): Tab[] {
  return (Object.keys(tabPermission) as Tab[]).filter((tab) => permissions.includes(tabPermission[tab]));
}

export interface TabbedViewSpec<Tab extends string> {
  className: string;
  testId: string;
  /** The tabs this session may open; none shows `forbidden`. */
  tabs: readonly Tab[];
  /** The `tab` parameter the page was opened with; an unknown one opens the first tab. */
  requested: string | null;
  /** Builds a tab's panel, once per tab. */
  panel: (tab: Tab) => TabPanel;
  /** Texts in the current language, read at every render. */
  title: () => string;
  tabLabel: (tab: Tab) => string;
  forbidden: () => string;
  /** The tab buttons' data-testid prefix (`<prefix>-<tab>`). */
  tabTestIdPrefix: string;
  tabBarClass?: string;
  bodyClass?: string;
}

export interface TabbedView {
  element: HTMLElement;
  render(): void;
  destroy(): void;
}

/** A back-office page of tabs: title, the tab row, the chosen tab's panel; the tab follows `?tab=`. */
export function createTabbedView<Tab extends string>(spec: TabbedViewSpec<Tab>): TabbedView {
  let active: Tab | undefined = spec.tabs.find((tab) => tab === spec.requested) ?? spec.tabs[0];
  const panels = new Map<Tab, TabPanel>();
  const title = h("h2", { className: "view-title" });
  const tabBar = h("div", { className: spec.tabBarClass ?? "" });
  const body = h("div", { className: spec.bodyClass ?? "" });
  const element = h(
    "main",
    { className: spec.className, attrs: { "data-testid": spec.testId } },
    title,
    tabBar,
    body,
  );

  const panelFor = (tab: Tab) => {
    let panel = panels.get(tab);
    if (!panel) {
      panel = spec.panel(tab);
      panels.set(tab, panel);
    }
    return panel;
  };

  const select = (tab: Tab) => {
    active = tab;
    setHashParam("tab", tab);
    render();
  };

  function render() {
    title.textContent = spec.title();
    if (!active) {
      tabBar.replaceChildren();
      body.replaceChildren(h("p", { text: spec.forbidden() }));
      return;
    }
    tabBar.replaceChildren(
      renderTabs(
        spec.tabs.map((id) => ({ id, label: spec.tabLabel(id) })),
        active,
        select,
        spec.tabTestIdPrefix,
      ),
    );
    const panel = panelFor(active);
    panel.render();
    body.replaceChildren(panel.element);
  }

  const unwatch = watchHashParam("tab", (value) => {
    const tab = spec.tabs.find((candidate) => candidate === value);
    if (tab && tab !== active) select(tab);
  });
  render();
  return {
    element,
    render,
    destroy() {
      unwatch();
      for (const panel of panels.values()) panel.destroy?.();
    },
  };
}
