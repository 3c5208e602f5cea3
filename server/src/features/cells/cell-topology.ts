import { z } from "zod";
import type { Queryable } from "../../db/pool.js";
import { AppError } from "../../http/errors.js";
import * as sql from "./cell-topology.sql.js";

/** Thresholds an admin may change (settings key "cells.topology"). */
export const topologySettingsSchema = z.strictObject({
  /** How far (metres) a child may reach past its parent's boundary. */
  parentToleranceM: z.number().min(0).max(1000).default(0.5),
  /** Polygon parts smaller than this (m²) are slivers. */
  sliverAreaM2: z.number().min(0).default(10),
  /** Overlaps and gaps smaller than this (m²) are floating-point noise, not problems. */
  minReportAreaM2: z.number().min(0).default(0.01),
  /**
   * Overlaps and gaps thinner than this (metres, mean width = 2·area/perimeter) are
   * rounding along shared edges (e.g. a vertex a split put on an edge), not problems.
   */
  noiseWidthM: z.number().min(0).max(10).default(0.01),
});
export type TopologySettings = z.infer<typeof topologySettingsSchema>;

export const DEFAULT_TOPOLOGY_SETTINGS: TopologySettings = topologySettingsSchema.parse({});

export type TopologyProblem =
  | {
      kind: "invalid_geometry";
      severity: "error";
      code: string | null;
      row: number | null;
      reason: string;
      location: unknown;
    }
  | {
      kind: "outside_parent";
      severity: "error";
      code: string;
      parent_code: string;
      area_m2: number;
      max_distance_m: number;
      geometry: unknown;
    }
  | {
      kind: "sibling_overlap";
      severity: "error";
      code: string;
      other_code: string;
      area_m2: number;
      geometry: unknown;
    }
  | { kind: "coverage_gap"; severity: "warning"; parent_code: string; area_m2: number; geometry: unknown }
  | { kind: "sliver"; severity: "warning"; code: string; part: number; area_m2: number; geometry: unknown };

export interface TopologyReport {
  /** True when nothing blocks a write (warnings may remain). */
  ok: boolean;
  errors: number;
  warnings: number;
  problems: TopologyProblem[];
}

export async function loadTopologySettings(db: Queryable): Promise<TopologySettings> {
  const stored = await sql.selectTopologySettings(db);
  const parsed = topologySettingsSchema.safeParse(stored ?? {});
  return parsed.success ? parsed.data : DEFAULT_TOPOLOGY_SETTINGS;
}

/** Checks the current state around `focus`: outside parent, sibling overlaps, gaps, slivers. */
export async function checkTopology(
  db: Queryable,
  focus: readonly string[],
  settings: TopologySettings,
): Promise<TopologyReport> {
  const outside = await sql.selectOutsideParent(db, focus, settings.parentToleranceM);
  const overlaps = await sql.selectSiblingOverlaps(db, focus, settings.minReportAreaM2, settings.noiseWidthM);
  const gaps = await sql.selectCoverageGaps(db, focus, settings.minReportAreaM2, settings.noiseWidthM);
  const slivers = await sql.selectSlivers(db, focus, settings.sliverAreaM2);
  return reportOf([
    ...outside.map((r): TopologyProblem => ({ kind: "outside_parent", severity: "error", ...r })),
    ...overlaps.map((r): TopologyProblem => ({ kind: "sibling_overlap", severity: "error", ...r })),
    ...gaps.map((r): TopologyProblem => ({ kind: "coverage_gap", severity: "warning", ...r })),
    ...slivers.map((r): TopologyProblem => ({ kind: "sliver", severity: "warning", ...r })),
  ]);
}

/** A cell and everything below it, as the check endpoint reports it. */
export async function checkSubtree(
  db: Queryable,
  code: string,
  settings: TopologySettings,
): Promise<TopologyReport> {
  return checkTopology(db, await sql.selectSubtreeCodes(db, code), settings);
}

export interface CandidateGeometry {
  geometry: unknown;
  code: string | null;
  row: number | null;
}

/** ST_IsValidDetail of geometries not yet written (the cells table refuses invalid ones). */
export async function checkCandidateValidity(
  db: Queryable,
  candidates: readonly CandidateGeometry[],
): Promise<TopologyReport> {
  const invalid = await sql.selectInvalidGeometries(
    db,
    candidates.map((c) => JSON.stringify(c.geometry)),
  );
  return reportOf(
    invalid.map((r): TopologyProblem => {
      const c = candidates[r.idx]!;
      return {
        kind: "invalid_geometry",
        severity: "error",
        code: c.code,
        row: c.row,
        reason: r.reason,
        location: r.location,
      };
    }),
  );
}

export function reportOf(problems: TopologyProblem[]): TopologyReport {
  const errors = problems.filter((p) => p.severity === "error").length;
  return { ok: errors === 0, errors, warnings: problems.length - errors, problems };
}

export function mergeReports(...reports: TopologyReport[]): TopologyReport {
  return reportOf(reports.flatMap((r) => r.problems));
}

/** Thrown inside a write's transaction, so the write rolls back. */
export function topologyViolation(report: TopologyReport): AppError {
  const first = report.problems.find((p) => p.severity === "error");
  return new AppError(
    422,
    first?.kind === "invalid_geometry" ? "invalid_geometry" : "topology_violation",
    `The change breaks the cell topology (${report.errors} error${report.errors === 1 ? "" : "s"}${first ? `, first: ${describeProblem(first)}` : ""}); nothing was written.`,
    { report },
  );
}

export function describeProblem(p: TopologyProblem): string {
  switch (p.kind) {
    case "invalid_geometry":
      return `${p.code ? `cell ${p.code}` : `feature ${p.row ?? "?"}`} has invalid geometry: ${p.reason}`;
    case "outside_parent":
      return `cell ${p.code} reaches ${p.max_distance_m.toFixed(2)} m outside its parent ${p.parent_code}`;
    case "sibling_overlap":
      return `cells ${p.code} and ${p.other_code} overlap by ${p.area_m2.toFixed(2)} m²`;
    case "coverage_gap":
      return `${p.area_m2.toFixed(2)} m² of ${p.parent_code} is covered by none of its children`;
    case "sliver":
      return `part ${p.part} of cell ${p.code} is a sliver of ${p.area_m2.toFixed(2)} m²`;
  }
}
