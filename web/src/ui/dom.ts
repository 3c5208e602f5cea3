/** What `h` accepts as a child: nothing (null, undefined, false) is skipped. */
export type Child = Node | string | null | undefined | false;

export interface ElementOptions {
  className?: string;
  text?: string;
  attrs?: Readonly<Record<string, string>>;
  on?: { [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };
}

/** Creates an element with text set via textContent (never innerHTML), so data cannot inject markup. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElementOptions = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (options.className) element.className = options.className;
  if (options.text !== undefined) element.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs ?? {})) element.setAttribute(name, value);
  for (const [type, listener] of Object.entries(options.on ?? {})) {
    element.addEventListener(type, listener as EventListener);
  }
  element.append(...present(children));
  return element;
}

/** `replaceChildren` that skips what conditional parts leave behind (null, undefined, false). */
export function fill(element: Element, ...children: Child[]): void {
  element.replaceChildren(...present(children));
}

const present = (children: readonly Child[]) =>
  children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false);
