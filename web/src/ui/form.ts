import { button, formActions } from "./actions.js";
import { type Child, fill, h } from "./dom.js";

/** A label wrapping its control, so clicking the text focuses the input. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  return h(
    "label",
    { className: "field" },
    h("span", { className: "field-label", text: label }),
    control,
    hint ? h("span", { className: "field-hint", text: hint }) : null,
  );
}

export function textInput(name: string, attrs: Readonly<Record<string, string>> = {}): HTMLInputElement {
  return h("input", { attrs: { name, "data-testid": `input-${name}`, ...attrs } });
}

export interface Choice {
  value: string;
  label: string;
}

export function select(name: string, choices: readonly Choice[], value = ""): HTMLSelectElement {
  const element = h(
    "select",
    { attrs: { name, "data-testid": `input-${name}` } },
    ...choices.map((choice) => h("option", { text: choice.label, attrs: { value: choice.value } })),
  );
  element.value = value;
  return element;
}

/** Re-labels a select's options in place (language switch) without losing the chosen value. */
export function relabelSelect(element: HTMLSelectElement, choices: readonly Choice[]): void {
  const value = element.value;
  element.replaceChildren(
    ...choices.map((choice) => h("option", { text: choice.label, attrs: { value: choice.value } })),
  );
  element.value = value;
}

export interface CheckboxGroup {
  element: HTMLElement;
  values(): string[];
}

/** A set of checkboxes; `name` becomes each box's data-testid prefix (`check-<name>-<value>`). */
export function checkboxGroup(
  name: string,
  choices: readonly Choice[],
  selected: Iterable<string>,
  onChange?: () => void,
): CheckboxGroup {
  const chosen = new Set(selected);
  const boxes = choices.map((choice) => {
    const box = h("input", {
      attrs: { type: "checkbox", value: choice.value, "data-testid": `check-${name}-${choice.value}` },
      on: { change: () => onChange?.() },
    });
    box.checked = chosen.has(choice.value);
    return { box, choice };
  });
  const element = h(
    "div",
    { className: "checkbox-group", attrs: { "data-testid": `group-${name}` } },
    ...boxes.map(({ box, choice }) => checkboxLabel(box, choice.label)),
  );
  return { element, values: () => boxes.filter(({ box }) => box.checked).map(({ box }) => box.value) };
}

/** An inline error line under a form (role=alert so screen readers announce it). */
export function formError(message: string | null): HTMLElement | "" {
  return message
    ? h("div", {
        className: "form-error",
        text: message,
        attrs: { role: "alert", "data-testid": "form-error" },
      })
    : "";
}

/** A checkbox with its text after it, inside one label so the text toggles the box. */
export function checkboxLabel(box: HTMLInputElement, text: string): HTMLLabelElement {
  return h("label", { className: "checkbox" }, box, h("span", { text }));
}

export interface FormSpec {
  className: string;
  testId: string;
  onSubmit: (event: SubmitEvent) => void;
  /** Skip the browser's own checks: the panel checks the fields and shows one message of its own. */
  novalidate?: boolean;
}

export function form(spec: FormSpec, ...children: Child[]): HTMLFormElement {
  return h(
    "form",
    {
      className: spec.className,
      attrs: { ...(spec.novalidate ? { novalidate: "" } : {}), "data-testid": spec.testId },
      on: { submit: spec.onSubmit },
    },
    ...children,
  );
}

export interface FilterBarSpec {
  testId: string;
  onSubmit: (event: SubmitEvent) => void;
  novalidate?: boolean;
  /** The filter fields, in order (see `field`). */
  fields: readonly Child[];
  /** The submit button. */
  apply: { text: string; testId: string };
  /** A button that clears the fields; `onReset` does the clearing and reloads. */
  reset?: { text: string; onReset: () => void };
  /** More buttons or links after apply and reset (export). */
  extraActions?: readonly Child[];
  /** Below the buttons (the form's error line). */
  footer?: Child;
}

/** A one-line filter form: fields, then apply (submit), reset and any extra actions. */
export function filterBar(spec: FilterBarSpec): HTMLFormElement {
  const reset = spec.reset;
  return form(
    { className: "filter-bar", testId: spec.testId, onSubmit: spec.onSubmit, novalidate: spec.novalidate },
    ...spec.fields,
    formActions(
      button({ text: spec.apply.text, testId: spec.apply.testId, submit: true }),
      reset ? button({ text: reset.text, onClick: () => reset.onReset() }) : null,
      ...(spec.extraActions ?? []),
    ),
    spec.footer,
  );
}

/** A panel split into a filter bar that stays put and a body that every render redraws. */
export interface FilteredLayout {
  /** Shows what `build` makes as the bar; builds it again only when `key` differs from the last one. */
  showBar(key: string, build: () => Child | readonly Child[]): void;
  showBody(...children: Child[]): void;
}

/**
 * Redrawing a whole panel on each data load or live update took its filter bar out of the
 * document and put a new one in: a click landing meanwhile was lost and a field being typed in
 * lost focus. Here the bar stays where it is until what it shows changes (`key`: the language,
 * its error line, its links), and only the body is replaced.
 */
export function filteredLayout(element: HTMLElement): FilteredLayout {
  const bar = h("div");
  const body = h("div");
  // The two slots change nothing in the panel's layout.
  bar.style.display = "contents";
  body.style.display = "contents";
  element.replaceChildren(bar, body);
  let shownKey: string | null = null;
  return {
    showBar(key, build) {
      if (key === shownKey) return;
      const built = build();
      fill(bar, ...(Array.isArray(built) ? built : [built]));
      shownKey = key;
    },
    showBody(...children) {
      fill(body, ...children);
    },
  };
}
