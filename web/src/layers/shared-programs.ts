import type { ExpressionSpecification } from "maplibre-gl";

/**
 * Helpers that let layers of one type share a shader program.
 *
 * MapLibre compiles one shader program per layer type and per way the layer's paint properties are
 * fed: a constant or zoom-only value is a uniform, a per-feature value a vertex attribute, a
 * zoom-and-feature value an interpolated pair of attributes. Two circle layers, one with a
 * constant radius and one with a per-feature radius, are two programs. Without a GPU (SwiftShader,
 * as on the test and benchmark machines) each program costs 40–80 ms of the map's first painted
 * frame, and the command map had 15 (decision 0127). These wrap a value so it is fed the way the
 * other layers of its type feed it, without changing what is drawn.
 */

/** A feature property no feature has: `has` on it makes an expression per-feature without changing its value. */
const NEVER_SET = "__gridops_shared_program";

type Value = ExpressionSpecification | string | number | boolean;

/** `value` for every feature, fed per feature (a vertex attribute) instead of as a constant. */
export function perFeature(value: Value): ExpressionSpecification {
  return ["case", ["has", NEVER_SET], value, value] as ExpressionSpecification;
}

/**
 * A per-feature `value` (or a constant, made per-feature) fed as zoom-and-feature: interpolated
 * between two equal stops, so it is the same at every zoom.
 */
export function perFeatureAndZoom(value: Value): ExpressionSpecification {
  const feature = typeof value === "object" ? value : perFeature(value);
  return ["interpolate", ["linear"], ["zoom"], 0, feature, 24, feature] as ExpressionSpecification;
}

/**
 * A zoom-only `interpolate` or `step` over `["zoom"]` with its stop outputs made per-feature (the
 * same values): zoom-and-feature. Null for any other shape, which callers leave as it is.
 */
export function zoomStopsPerFeature(value: unknown): ExpressionSpecification | null {
  if (!Array.isArray(value)) return null;
  const [op] = value;
  const isZoom = (input: unknown) => Array.isArray(input) && input.length === 1 && input[0] === "zoom";
  const isConstant = (output: unknown) => typeof output === "number" || typeof output === "string";
  if (op === "interpolate" && isZoom(value[2])) {
    const stops = value.slice(3);
    if (!stops.every((stop, i) => (i % 2 === 0 ? typeof stop === "number" : isConstant(stop)))) return null;
    return [
      op,
      value[1],
      value[2],
      ...stops.map((stop, i) => (i % 2 === 0 ? stop : perFeature(stop))),
    ] as ExpressionSpecification;
  }
  if (op === "step" && isZoom(value[1])) {
    const rest = value.slice(2);
    // step: default output, then stop/output pairs.
    if (!rest.every((item, i) => (i % 2 === 0 ? isConstant(item) : typeof item === "number"))) return null;
    return [
      op,
      value[1],
      ...rest.map((item, i) => (i % 2 === 0 ? perFeature(item) : item)),
    ] as ExpressionSpecification;
  }
  return null;
}
