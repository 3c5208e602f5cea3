import type { Queryable } from "../../db/pool.js";
import type { IncidentStatsQuery } from "./stats.schemas.js";
import { type IncidentStatsRow, selectIncidentStats } from "./stats.sql.js";

export interface IncidentStats extends IncidentStatsRow {
  /** closedOnTime / closed, 0..1; null when nothing closed. */
  closedOnTimeRate: number | null;
  /** (satisfied + basically satisfied) / callbacks, 0..1; null without callbacks. */
  satisfactionRate: number | null;
}

const ratio = (part: number, whole: number) =>
  whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;

export async function incidentStats(
  db: Queryable,
  scope: readonly string[],
  q: IncidentStatsQuery & { level: string },
): Promise<IncidentStats[]> {
  const rows = await selectIncidentStats(db, { scope, from: q.from, to: q.to, level: q.level });
  return rows.map((r) => ({
    ...r,
    closedOnTimeRate: ratio(r.closedOnTime, r.closed),
    satisfactionRate: ratio(r.satisfied + r.basicallySatisfied, r.callbacks),
  }));
}

const HEADERS: Record<"zh-CN" | "en", string[]> = {
  "zh-CN": [
    "网格编码",
    "名称",
    "层级",
    "受理数",
    "结案数",
    "按时结案数",
    "按时结案率",
    "超期数",
    "平均处置时长(小时)",
    "回访数",
    "满意",
    "基本满意",
    "不满意",
    "满意率",
  ],
  en: [
    "Cell code",
    "Name",
    "Level",
    "Received",
    "Closed",
    "Closed on time",
    "Closed on time rate",
    "Overdue",
    "Average handling hours",
    "Callbacks",
    "Satisfied",
    "Basically satisfied",
    "Unsatisfied",
    "Satisfaction rate",
  ],
};

/**
 * One CSV cell. Text a spreadsheet would run as a formula (leading = + - @, tab or CR) gets a
 * leading apostrophe (numbers are written as they are); quotes, commas and line breaks are quoted.
 */
export function csvCell(value: unknown): string {
  if (typeof value === "number") return String(value);
  const text = value === null || value === undefined ? "" : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function incidentStatsCsv(rows: readonly IncidentStats[], lang: "zh-CN" | "en"): string {
  const lines = rows.map((r) =>
    [
      r.cellCode,
      lang === "en" ? (r.nameEn ?? r.name) : r.name,
      r.level,
      r.received,
      r.closed,
      r.closedOnTime,
      r.closedOnTimeRate,
      r.overdue,
      r.avgHandlingHours,
      r.callbacks,
      r.satisfied,
      r.basicallySatisfied,
      r.unsatisfied,
      r.satisfactionRate,
    ]
      .map(csvCell)
      .join(","),
  );
  // BOM so spreadsheet programs read the Chinese headers as UTF-8.
  return `\uFEFF${[HEADERS[lang].join(","), ...lines].join("\r\n")}\r\n`;
}
