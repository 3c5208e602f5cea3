import { type Child, h } from "./dom.js";

export interface ButtonSpec {
  /** The label; "" when the children are the label. */
  text: string;
  testId?: string;
  /** A form's submit button; any other button is type="button" so it never submits a form by accident. */
  submit?: boolean;
  /** Sets the `disabled` attribute (while an action runs, or when there is nowhere to go). */
  disabled?: boolean;
  className?: string;
  onClick?: (event: MouseEvent) => void;
  /** Further attributes (title, data-*). */
  attrs?: Readonly<Record<string, string>>;
}

/** A button with its type always set; `children` go after the text (a badge, a count). */
export function button(spec: ButtonSpec, ...children: Child[]): HTMLButtonElement {
  return h(
    "button",
    {
      ...(spec.className ? { className: spec.className } : {}),
      text: spec.text,
      attrs: {
        type: spec.submit ? "submit" : "button",
        ...(spec.testId ? { "data-testid": spec.testId } : {}),
        ...(spec.disabled ? { disabled: "" } : {}),
        ...spec.attrs,
      },
      ...(spec.onClick ? { on: { click: spec.onClick } } : {}),
    },
    ...children,
  );
}

/** The row of buttons under a form or in a table cell. */
export function formActions(...children: Child[]): HTMLDivElement {
  return h("div", { className: "form-actions" }, ...children);
}

/** The row above a list: a filter select, a "new" button, a notice. */
export function toolbar(...children: Child[]): HTMLDivElement {
  return h("div", { className: "toolbar" }, ...children);
}

/** Previous / where we are / next, under a paged table. */
export function pager(previous: ButtonSpec, position: Child, next: ButtonSpec): HTMLDivElement {
  return h("div", { className: "pager" }, button(previous), position, button(next));
}
