import type { GeoJSONSource, LayerSpecification, Map as MapLibreMap } from "maplibre-gl";
import type { TopologyProblem } from "./cell-edit-api.js";

export const PROBLEM_SOURCE = "cell-problems";
export const PROBLEM_LAYER = { fill: "cell-problems-fill", line: "cell-problems-line" } as const;

/** The problems with a geometry, as features the map can draw (errors red, warnings amber). */
export function problemFeatures(problems: readonly TopologyProblem[]): GeoJSON.FeatureCollection {
  const features: GeoJSON.Feature[] = [];
  problems.forEach((problem, index) => {
    const geometry = (problem.geometry ?? problem.location) as GeoJSON.Geometry | undefined;
    if (!geometry || typeof geometry !== "object" || !("type" in geometry)) return;
    features.push({
      type: "Feature",
      id: index,
      geometry,
      properties: { kind: problem.kind, severity: problem.severity, code: problem.code ?? null },
    });
  });
  return { type: "FeatureCollection", features };
}

const layers = (): LayerSpecification[] => [
  {
    id: PROBLEM_LAYER.fill,
    type: "fill",
    source: PROBLEM_SOURCE,
    paint: {
      "fill-color": ["match", ["get", "severity"], "error", "#e53e3e", "#d69e2e"],
      "fill-opacity": 0.55,
    },
  },
  {
    id: PROBLEM_LAYER.line,
    type: "line",
    source: PROBLEM_SOURCE,
    paint: {
      "line-color": ["match", ["get", "severity"], "error", "#9b2c2c", "#975a16"],
      "line-width": 2,
      "line-dasharray": [2, 1],
    },
  },
];

export function showProblems(map: MapLibreMap, problems: readonly TopologyProblem[]): void {
  const data = problemFeatures(problems);
  const source = map.getSource<GeoJSONSource>(PROBLEM_SOURCE);
  if (source) {
    // A check result replaces the previous one wholesale: it is one response, not a stream.
    void source.setData(data);
    return;
  }
  map.addSource(PROBLEM_SOURCE, { type: "geojson", data });
  for (const layer of layers()) map.addLayer(layer);
}
