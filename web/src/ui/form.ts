import { h } from "./dom.js";

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
    ...boxes.map(({ box, choice }) =>
      h("label", { className: "checkbox" }, box, h("span", { text: choice.label })),
    ),
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
