import type { BilingualName } from "./names.js";
import { Polyline } from "./polyline.js";
import type { Fixed, Local, LocalProjection } from "./projection.js";
import type { Rng } from "./random.js";

export type RoadClass = "primary" | "secondary";

export interface RoadDraft {
  readonly name: BilingualName;
  readonly roadClass: RoadClass;
  readonly lanesPerDirection: number;
  readonly fixed: readonly Fixed[];
  /** The written (snapped) geometry in local metres. */
  readonly line: Polyline;
  /** Distances along `line` where the road enters and finally leaves the district. */
  readonly entry: number;
  readonly exit: number;
}

interface RoadSpec {
  readonly name: BilingualName;
  readonly roadClass: RoadClass;
  /** Direction of travel along the line, degrees counter-clockwise from east. */
  readonly heading: number;
  /** A point the road passes near, metres from the district centre. */
  readonly through: Local;
}

const ROAD_SPECS: readonly RoadSpec[] = [
  {
    name: { zh: "新湾大道", en: "Xinwan Avenue" },
    roadClass: "primary",
    heading: 0,
    through: { x: 0, y: 350 },
  },
  {
    name: { zh: "明珠路", en: "Mingzhu Road" },
    roadClass: "primary",
    heading: 90,
    through: { x: -450, y: 0 },
  },
  {
    name: { zh: "江涛路", en: "Jiangtao Road" },
    roadClass: "primary",
    heading: -8,
    through: { x: 0, y: -1900 },
  },
  {
    name: { zh: "云帆大道", en: "Yunfan Avenue" },
    roadClass: "primary",
    heading: 80,
    through: { x: 2300, y: 0 },
  },
  {
    name: { zh: "春晓路", en: "Chunxiao Road" },
    roadClass: "secondary",
    heading: 40,
    through: { x: 600, y: -900 },
  },
  {
    name: { zh: "梧桐街", en: "Wutong Street" },
    roadClass: "secondary",
    heading: 5,
    through: { x: 0, y: 2200 },
  },
  {
    name: { zh: "文澜路", en: "Wenlan Road" },
    roadClass: "secondary",
    heading: 95,
    through: { x: -2900, y: 0 },
  },
];

/** How far a road is drawn beyond the district edge, so it visibly continues. */
const OUTSIDE_LENGTH = 700;
const HALF_SPAN = 9000;
const VERTEX_SPACING = 200;

export function buildRoads(
  districtBoundary: readonly Local[],
  projection: LocalProjection,
  rng: Rng,
): RoadDraft[] {
  return ROAD_SPECS.map((spec) => {
    const draft = gentleCurve(spec, rng.fork(spec.name.en));
    const [entry, exit] = entryAndExit(draft, districtBoundary, spec);
    const trimmed = draft.slice(entry - OUTSIDE_LENGTH, exit + OUTSIDE_LENGTH);
    const fixed = dropRepeated(trimmed.points.map((p) => projection.toFixed(p)));
    const line = new Polyline(fixed.map((f) => projection.toLocal(f)));
    const [snappedEntry, snappedExit] = entryAndExit(line, districtBoundary, spec);
    return {
      name: spec.name,
      roadClass: spec.roadClass,
      lanesPerDirection: spec.roadClass === "primary" ? 3 : 2,
      fixed,
      line,
      entry: snappedEntry,
      exit: snappedExit,
    };
  });
}

/** A straight axis with two superposed sine waves across it: reads as a real arterial. */
function gentleCurve(spec: RoadSpec, rng: Rng): Polyline {
  const angle = (spec.heading * Math.PI) / 180;
  const along = { x: Math.cos(angle), y: Math.sin(angle) };
  const across = { x: -along.y, y: along.x };
  const waves = [
    { amplitude: rng.range(60, 160), wavelength: rng.range(3000, 6000), phase: rng.range(0, 2 * Math.PI) },
    { amplitude: rng.range(15, 40), wavelength: rng.range(800, 1500), phase: rng.range(0, 2 * Math.PI) },
  ];
  const points: Local[] = [];
  for (let s = -HALF_SPAN; s <= HALF_SPAN; s += VERTEX_SPACING) {
    const offset = waves.reduce(
      (sum, w) => sum + w.amplitude * Math.sin((2 * Math.PI * s) / w.wavelength + w.phase),
      0,
    );
    points.push({
      x: spec.through.x + s * along.x + offset * across.x,
      y: spec.through.y + s * along.y + offset * across.y,
    });
  }
  return new Polyline(points);
}

function entryAndExit(line: Polyline, boundary: readonly Local[], spec: RoadSpec): [number, number] {
  const crossings = line.crossings(boundary);
  const first = crossings[0];
  const last = crossings.at(-1);
  if (first === undefined || last === undefined || crossings.length < 2) {
    throw new Error(`road ${spec.name.en} does not cross the district`);
  }
  return [first, last];
}

function dropRepeated(points: readonly Fixed[]): Fixed[] {
  return points.filter((p, i) => i === 0 || p[0] !== points[i - 1]![0] || p[1] !== points[i - 1]![1]);
}
