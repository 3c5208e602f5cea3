// Helpers for the ui unit tests. They run in happy-dom (a DOM implementation in Node, set per file
// with `@vitest-environment happy-dom`); the browser tests in web/e2e check the same views in Chromium.

/** The node as an HTMLElement (fails the test if a helper returned something else). */
export function el(node: unknown): HTMLElement {
  if (!(node instanceof HTMLElement)) throw new Error(`expected an element, got ${String(node)}`);
  return node;
}

/** The element children, as an array. */
export const kids = (element: Element | null | undefined): HTMLElement[] =>
  Array.from(element?.children ?? []).map(el);

export const byTestId = (root: Element, testId: string): HTMLElement | undefined =>
  root.querySelector<HTMLElement>(`[data-testid="${testId}"]`) ?? undefined;

/** Dispatches the event as a user action would (bubbling, cancelable). */
export function fire(element: Element | null | undefined, type: "click" | "submit"): void {
  element?.dispatchEvent(new Event(type, { bubbles: true, cancelable: true }));
}
