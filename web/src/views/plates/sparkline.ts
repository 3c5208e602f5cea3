const SVG = "http://www.w3.org/2000/svg";

/** SVG polyline points for values scaled into width × height (y grows downwards, 1 px margin). */
export function sparklinePoints(values: readonly number[], width: number, height: number): string {
  if (values.length === 0) return "";
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? (width - 2) / (values.length - 1) : 0;
  return values
    .map((value, i) => {
      const x = 1 + i * step;
      const y = height - 1 - (Math.max(0, value) / max) * (height - 2);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(" ");
}

/** Vehicle counts per bucket over a window, zeros where no bucket came back (no traffic). */
export function bucketSeries(
  buckets: readonly { start: string; vehicles: number }[],
  from: Date,
  bucketMinutes: number,
  count: number,
): number[] {
  const size = bucketMinutes * 60_000;
  const first = Math.floor(from.getTime() / size) * size;
  const series = new Array<number>(count).fill(0);
  for (const bucket of buckets) {
    const index = Math.floor((Date.parse(bucket.start) - first) / size);
    if (index >= 0 && index < count) series[index] = (series[index] ?? 0) + bucket.vehicles;
  }
  return series;
}

export function renderSparkline(
  values: readonly number[],
  label: string,
  width = 320,
  height = 60,
): SVGSVGElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height));
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("class", "sparkline");
  svg.dataset.testid = "flow-sparkline";
  svg.dataset.values = values.join(",");
  const line = document.createElementNS(SVG, "polyline");
  line.setAttribute("points", sparklinePoints(values, width, height));
  line.setAttribute("fill", "none");
  line.setAttribute("stroke", "#2b6cb0");
  line.setAttribute("stroke-width", "2");
  svg.append(line);
  return svg;
}
