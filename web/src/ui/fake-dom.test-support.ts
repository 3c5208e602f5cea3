/**
 * Just enough of `document` for the ui helpers' unit tests: the web unit tests run in Node,
 * and the project has no DOM library (the browser tests in web/e2e check the real DOM).
 * It covers what `h` uses: createElement, className, textContent, setAttribute,
 * addEventListener and append (and replaceChildren, for views that redraw).
 */
export class FakeElement {
  readonly tagName: string;
  className = "";
  readonly childNodes: (FakeElement | string)[] = [];
  readonly #attributes = new Map<string, string>();
  readonly #listeners = new Map<string, ((event: unknown) => void)[]>();

  constructor(tag: string) {
    this.tagName = tag.toUpperCase();
  }

  get children(): FakeElement[] {
    return this.childNodes.filter((node): node is FakeElement => node instanceof FakeElement);
  }

  get textContent(): string {
    return this.childNodes.map((node) => (typeof node === "string" ? node : node.textContent)).join("");
  }

  set textContent(text: string) {
    this.childNodes.splice(0, this.childNodes.length, ...(text === "" ? [] : [text]));
  }

  setAttribute(name: string, value: string): void {
    this.#attributes.set(name, String(value));
  }

  getAttribute(name: string): string | null {
    return this.#attributes.get(name) ?? null;
  }

  hasAttribute(name: string): boolean {
    return this.#attributes.has(name);
  }

  addEventListener(type: string, listener: (event: unknown) => void): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }

  append(...nodes: (FakeElement | string)[]): void {
    this.childNodes.push(...nodes);
  }

  replaceChildren(...nodes: (FakeElement | string)[]): void {
    this.childNodes.splice(0, this.childNodes.length, ...nodes);
  }

  /** Calls the listeners for `type` as the browser would on that event. */
  dispatch(type: string, event: unknown = { type }): void {
    for (const listener of this.#listeners.get(type) ?? []) listener(event);
  }

  /** This element and every element below it, depth first. */
  *all(): Generator<FakeElement> {
    yield this;
    for (const child of this.children) yield* child.all();
  }

  byTestId(testId: string): FakeElement | undefined {
    return [...this.all()].find((element) => element.getAttribute("data-testid") === testId);
  }
}

export const fakeDocument = {
  createElement: (tag: string) => new FakeElement(tag),
};

/** Views a helper's result as the fake element it really is under the fake document. */
export function fake(node: unknown): FakeElement {
  if (!(node instanceof FakeElement)) throw new Error("not made by the fake document");
  return node;
}

/** A `window` with just a hash route: `location.hash`, hashchange listeners and history.replaceState. */
export function fakeWindow(hash: string) {
  const listeners = new Set<() => void>();
  const location = { hash };
  return {
    location,
    history: {
      replaceState(_state: unknown, _title: string, url: string) {
        location.hash = url;
      },
    },
    addEventListener: (_type: "hashchange", listener: () => void) => listeners.add(listener),
    removeEventListener: (_type: "hashchange", listener: () => void) => listeners.delete(listener),
    /** The user edits the address bar: the browser fires hashchange. */
    navigate(next: string) {
      location.hash = next;
      for (const listener of [...listeners]) listener();
    },
    listenerCount: () => listeners.size,
  };
}
