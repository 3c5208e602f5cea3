import type { Translate } from "../i18n/i18n.js";
import type { LayerGroup } from "../layers/ids.js";
import { CAMERA_STATUSES, cameraStatusColor } from "../layers/palette.js";
import { h } from "./dom.js";

export interface LayerPanelProps {
  t: Translate;
  groups: readonly LayerGroup[];
  visible: ReadonlySet<LayerGroup>;
  summary: string;
  /** A line under the summary, e.g. that a large district is drawn from vector tiles. */
  note?: string | null;
  onToggle: (group: LayerGroup, visible: boolean) => void;
}

const GROUP_LABEL = {
  cells: "layers.cells",
  checkpoints: "layers.checkpoints",
  cameras: "layers.cameras",
  viewCones: "layers.viewCones",
} as const;

/** Layer toggles, the district summary and the camera health legend. */
export function renderLayerPanel(props: LayerPanelProps): HTMLElement {
  const { t } = props;
  const toggles = props.groups.map((group) => {
    const input = h("input", { attrs: { type: "checkbox", "data-testid": `toggle-${group}` } });
    input.checked = props.visible.has(group);
    input.addEventListener("change", () => props.onToggle(group, input.checked));
    return h("label", { className: "layer-toggle" }, input, h("span", { text: t(GROUP_LABEL[group]) }));
  });
  const legend = props.groups.includes("cameras")
    ? h(
        "div",
        { className: "legend" },
        h("div", { className: "panel-title", text: t("legend.cameraStatus") }),
        ...CAMERA_STATUSES.map((status) =>
          h(
            "div",
            { className: "legend-row" },
            h("span", {
              className: "legend-swatch",
              attrs: { style: `background:${cameraStatusColor[status]}` },
            }),
            h("span", { text: t(`status.${status}`) }),
          ),
        ),
      )
    : null;
  return h(
    "aside",
    { className: "layer-panel", attrs: { "data-testid": "layer-panel" } },
    h("div", { className: "panel-title", text: t("layers.title") }),
    ...toggles,
    h("div", { className: "summary", text: props.summary, attrs: { "data-testid": "summary" } }),
    props.note
      ? h("div", { className: "summary", text: props.note, attrs: { "data-testid": "tiled-note" } })
      : null,
    legend,
  );
}
