import type { Language, MessageKey, Translate } from "../i18n/i18n.js";
import { isMessageKey } from "../i18n/i18n.js";
import { h } from "./dom.js";

export type PopupKind = "cell" | "checkpoint" | "camera";

export interface PopupRow {
  label: string;
  value: string;
}

export interface PopupModel {
  kind: PopupKind;
  title: string;
  heading: string;
  rows: PopupRow[];
}

type Properties = Readonly<Record<string, unknown>>;

/** Vector tiling drops null properties, so every field may be missing by the time it is clicked. */
function text(properties: Properties, key: string): string | null {
  const value = properties[key];
  if (value === null || value === undefined || value === "") return null;
  return String(value);
}

function localizedName(properties: Properties, language: Language): string {
  const zh = text(properties, "name") ?? "";
  return language === "en" ? (text(properties, "name_en") ?? zh) : zh;
}

/** Translates a domain value through `prefix.value` when we have a message for it. */
function term(t: Translate, prefix: string, value: string | null): string | null {
  if (value === null) return null;
  const key = `${prefix}.${value}`;
  return isMessageKey(key) ? t(key) : value;
}

function row(t: Translate, label: MessageKey, value: string | null): PopupRow {
  return { label: t(label), value: value ?? t("popup.empty") };
}

/** What a popup shows for a clicked cell, checkpoint or camera, in the current language. */
export function popupModel(
  kind: PopupKind,
  properties: Properties,
  t: Translate,
  language: Language,
): PopupModel {
  const heading = localizedName(properties, language);
  switch (kind) {
    case "cell":
      return {
        kind,
        title: t("popup.cell.title"),
        heading,
        rows: [
          row(t, "popup.cell.code", text(properties, "code")),
          row(t, "popup.name", heading),
          row(t, "popup.cell.level", term(t, "level", text(properties, "level"))),
        ],
      };
    case "checkpoint":
      return {
        kind,
        title: t("popup.checkpoint.title"),
        heading,
        rows: [
          row(t, "popup.name", heading),
          row(t, "popup.checkpoint.grade", term(t, "grade", text(properties, "grade"))),
          row(t, "popup.checkpoint.road", text(properties, "road")),
          row(t, "popup.checkpoint.direction", term(t, "direction", text(properties, "direction"))),
        ],
      };
    case "camera": {
      const bearing = text(properties, "bearing");
      return {
        kind,
        title: t("popup.camera.title"),
        heading,
        rows: [
          row(t, "popup.name", heading),
          row(t, "popup.camera.vendor", text(properties, "vendor")),
          row(t, "popup.camera.model", text(properties, "model")),
          row(t, "popup.camera.status", term(t, "status", text(properties, "status") ?? "unknown")),
          row(
            t,
            "popup.camera.bearing",
            bearing === null ? null : t("popup.camera.bearingValue", { degrees: bearing }),
          ),
        ],
      };
    }
  }
}

export function renderPopup(model: PopupModel): HTMLElement {
  return h(
    "div",
    { className: `popup popup-${model.kind}`, attrs: { "data-testid": `popup-${model.kind}` } },
    h("div", { className: "popup-title", text: model.title }),
    h("div", { className: "popup-heading", text: model.heading }),
    h(
      "dl",
      { className: "popup-rows" },
      ...model.rows.flatMap((r) => [h("dt", { text: r.label }), h("dd", { text: r.value })]),
    ),
  );
}
