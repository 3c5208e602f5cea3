import type { CellDraft } from "./cells.js";
import type { GridLocator } from "./grid-locator.js";
import type { BilingualName } from "./names.js";
import { distance, type Fixed, type Local, type LocalProjection } from "./projection.js";
import type { Rng } from "./random.js";
import type { RoadDraft } from "./roads.js";

export type TravelDirection = "northbound" | "southbound" | "eastbound" | "westbound";
export type CheckpointDirection = TravelDirection | "both";
export type CheckpointGrade = "A" | "B" | "C";

export interface LaneDraft {
  readonly number: number;
  readonly direction: TravelDirection;
  readonly cameraId: string;
  readonly position: Local;
  /** Compass bearing the lane camera faces: against the traffic, towards oncoming plates. */
  readonly cameraBearing: number;
}

export interface CheckpointDraft {
  readonly id: string;
  readonly name: BilingualName;
  readonly grade: CheckpointGrade;
  readonly road: RoadDraft;
  readonly direction: CheckpointDirection;
  readonly lanes: readonly LaneDraft[];
  readonly fixed: Fixed;
  readonly grid: CellDraft;
}

/** Checkpoints on the road at the edge plus this many spread along the roads inside. */
export const INTERIOR_CHECKPOINTS = 26;
/** Lane cameras sit up to ~11 m beside the centre line; this keeps them in the same grid. */
const CLEARANCE_M = 30;
const SPACING_FALLBACKS_M = [350, 200, 100] as const;
const ENTRY_SETBACK_M = 60;
const SEARCH_STEP_M = 10;
const LANE_WIDTH_M = 3.5;
const JUNCTION_NAMING_RADIUS_M = 450;

interface Spot {
  readonly s: number;
  readonly fixed: Fixed;
  readonly point: Local;
  readonly grid: CellDraft;
}

interface Placement {
  readonly road: RoadDraft;
  readonly roadIndex: number;
  readonly spot: Spot;
  readonly name: BilingualName;
  readonly grade: CheckpointGrade;
  readonly lanesBothWays: boolean;
  readonly onlyForward: boolean;
}

export function buildCheckpoints(
  roads: readonly RoadDraft[],
  communities: readonly CellDraft[],
  locator: GridLocator,
  projection: LocalProjection,
  rng: Rng,
): CheckpointDraft[] {
  const taken: Local[] = [];
  // Prefer well-spaced checkpoints; where roads meet near the edge, accept closer ones
  // rather than fail.
  const findSpot = (road: RoadDraft, offsets: () => Iterable<number>, base: number): Spot => {
    for (const spacing of SPACING_FALLBACKS_M) {
      for (const offset of offsets()) {
        const s = base + offset;
        if (s <= road.entry || s >= road.exit) continue;
        const fixed = projection.toFixed(road.line.at(s).point);
        const point = projection.toLocal(fixed);
        const grid = locator.locate(point, CLEARANCE_M);
        if (grid && taken.every((t) => distance(t, point) >= spacing)) {
          taken.push(point);
          return { s, fixed, point, grid };
        }
      }
    }
    throw new Error(`no checkpoint spot on ${road.name.en} near ${Math.round(base)} m`);
  };

  const placements: Placement[] = [];
  roads.forEach((road, roadIndex) => {
    const entryGrade: CheckpointGrade = road.roadClass === "primary" ? "A" : "B";
    for (const [base, sign] of [
      [road.entry + ENTRY_SETBACK_M, 1],
      [road.exit - ENTRY_SETBACK_M, -1],
    ] as const) {
      const spot = findSpot(road, () => steps(sign, 1200), base);
      const { direction } = road.line.at(spot.s);
      const outward = { x: -sign * direction.x, y: -sign * direction.y };
      const name = entryName(road, outward);
      placements.push({
        road,
        roadIndex,
        spot,
        name,
        grade: entryGrade,
        lanesBothWays: true,
        onlyForward: false,
      });
    }
  });

  const interiorCounts = shareByLength(roads, INTERIOR_CHECKPOINTS);
  const directionRng = rng.fork("directions");
  roads.forEach((road, roadIndex) => {
    const count = interiorCounts[roadIndex]!;
    const span = road.exit - road.entry;
    for (let k = 0; k < count; k++) {
      const base = road.entry + (span * (k + 0.5)) / count + rng.range(-0.1, 0.1) * (span / count);
      const spot = findSpot(road, () => alternatingSteps(400), base);
      const junction = nearestJunction(road, spot.s, roads);
      const grade: CheckpointGrade =
        junction && road.roadClass === "primary" && junction.roadClass === "primary" ? "B" : "C";
      const mode = grade === "B" ? "both" : directionRng.pickWeighted(C_GRADE_MODES);
      placements.push({
        road,
        roadIndex,
        spot,
        name: junction ? junctionName(road, junction) : sectionName(road, spot.grid, communities),
        grade,
        lanesBothWays: mode === "both",
        onlyForward: mode === "forward",
      });
    }
  });

  placements.sort((a, b) => a.roadIndex - b.roadIndex || a.spot.s - b.spot.s);
  return numberCheckpoints(placements, projection);
}

const C_GRADE_MODES = [
  { value: "both", weight: 4 },
  { value: "forward", weight: 3 },
  { value: "backward", weight: 3 },
] as const;

function numberCheckpoints(placements: readonly Placement[], projection: LocalProjection): CheckpointDraft[] {
  const usedNames = new Map<string, number>();
  let cameraNumber = 0;
  return placements.map((placement, index) => {
    const { road, spot } = placement;
    const { direction: forward } = road.line.at(spot.s);
    const right = { x: forward.y, y: -forward.x };
    const forwardBearing = compassBearing(forward);
    const lanes: LaneDraft[] = [];
    const addLanes = (travelBearing: number, side: number): void => {
      for (let i = 0; i < road.lanesPerDirection; i++) {
        const offset = side * (i + 0.5) * LANE_WIDTH_M;
        const position = { x: spot.point.x + right.x * offset, y: spot.point.y + right.y * offset };
        cameraNumber++;
        lanes.push({
          number: lanes.length + 1,
          direction: cardinalDirection(travelBearing),
          cameraId: `CAM-${String(cameraNumber).padStart(4, "0")}`,
          position: projection.toLocal(projection.toFixed(position)),
          cameraBearing: roundBearing(travelBearing + 180),
        });
      }
    };
    // Traffic keeps to the right, so each direction's lanes lie right of its travel.
    if (placement.lanesBothWays || placement.onlyForward) addLanes(forwardBearing, 1);
    if (placement.lanesBothWays || !placement.onlyForward) addLanes(forwardBearing + 180, -1);
    const direction: CheckpointDirection = placement.lanesBothWays ? "both" : lanes[0]!.direction;
    return {
      id: `CP-${String(index + 1).padStart(3, "0")}`,
      name: uniqueName(placement.name, usedNames),
      grade: placement.grade,
      road,
      direction,
      lanes,
      fixed: spot.fixed,
      grid: spot.grid,
    };
  });
}

function* steps(sign: 1 | -1, limit: number): Generator<number> {
  for (let d = 0; d <= limit; d += SEARCH_STEP_M) yield sign * d;
}

function* alternatingSteps(limit: number): Generator<number> {
  yield 0;
  for (let d = SEARCH_STEP_M; d <= limit; d += SEARCH_STEP_M) {
    yield d;
    yield -d;
  }
}

/** Splits `total` over the roads in proportion to their length inside the district. */
function shareByLength(roads: readonly RoadDraft[], total: number): number[] {
  const lengths = roads.map((r) => r.exit - r.entry);
  const sum = lengths.reduce((a, b) => a + b, 0);
  const exact = lengths.map((l) => (l / sum) * total);
  const counts = exact.map(Math.floor);
  const byRemainder = exact
    .map((e, i) => ({ i, r: e - Math.floor(e) }))
    .sort((a, b) => b.r - a.r || a.i - b.i);
  const missing = total - counts.reduce((a, b) => a + b, 0);
  for (let k = 0; k < missing; k++) counts[byRemainder[k]!.i]!++;
  return counts;
}

function nearestJunction(road: RoadDraft, s: number, roads: readonly RoadDraft[]): RoadDraft | null {
  let best: RoadDraft | null = null;
  let bestDistance = JUNCTION_NAMING_RADIUS_M;
  for (const other of roads) {
    if (other === road) continue;
    for (const at of road.line.intersections(other.line)) {
      if (Math.abs(at - s) <= bestDistance) {
        bestDistance = Math.abs(at - s);
        best = other;
      }
    }
  }
  return best;
}

const SIDES: readonly { zh: string; en: string }[] = [
  { zh: "东", en: "East" },
  { zh: "北", en: "North" },
  { zh: "西", en: "West" },
  { zh: "南", en: "South" },
];

/** Names an entry by the side of the district it is on: the way out along the road. */
function entryName(road: RoadDraft, outward: Local): BilingualName {
  const quadrant = Math.round(Math.atan2(outward.y, outward.x) / (Math.PI / 2));
  const side = SIDES[(quadrant + 4) % 4]!;
  return { zh: `${road.name.zh}${side.zh}入口卡口`, en: `${road.name.en} ${side.en} Entry Checkpoint` };
}

function junctionName(road: RoadDraft, other: RoadDraft): BilingualName {
  return {
    zh: `${road.name.zh}与${other.name.zh}交叉口卡口`,
    en: `${road.name.en} / ${other.name.en} Junction Checkpoint`,
  };
}

function sectionName(road: RoadDraft, grid: CellDraft, communities: readonly CellDraft[]): BilingualName {
  const community = communities.find((c) => c.code === grid.parentCode);
  if (!community) throw new Error(`grid ${grid.code} has no community`);
  const zhStem = community.name.zh.replace(/社区$/, "");
  const enStem = community.name.en.replace(/ Community$/, "");
  return { zh: `${road.name.zh}${zhStem}段卡口`, en: `${road.name.en} ${enStem} Section Checkpoint` };
}

function uniqueName(name: BilingualName, used: Map<string, number>): BilingualName {
  const seen = (used.get(name.zh) ?? 0) + 1;
  used.set(name.zh, seen);
  if (seen === 1) return name;
  return { zh: name.zh.replace(/卡口$/, `${seen}号卡口`), en: `${name.en} ${seen}` };
}

/** Degrees clockwise from north, the convention for camera bearings. */
export function compassBearing(v: Local): number {
  return roundBearing((Math.atan2(v.x, v.y) * 180) / Math.PI);
}

export function roundBearing(degrees: number): number {
  const normalised = ((degrees % 360) + 360) % 360;
  const rounded = Math.round(normalised * 10) / 10;
  return rounded >= 360 ? 0 : rounded;
}

function cardinalDirection(bearing: number): TravelDirection {
  const names: readonly TravelDirection[] = ["northbound", "eastbound", "southbound", "westbound"];
  return names[Math.round(roundBearing(bearing) / 90) % 4]!;
}
