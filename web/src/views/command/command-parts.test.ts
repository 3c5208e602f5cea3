import { describe, expect, it } from "vitest";
import type { MissingReports } from "../../api/incident-schemas.js";
import { AlertSound } from "./alerts.js";
import { openingZoom } from "./opening-zoom.js";
import { afterFiled } from "./reports-box.js";

const missing: MissingReports = {
  date: "2026-03-02",
  deadline: "2026-03-02T01:00:00Z",
  deadlinePassed: false,
  expected: 3,
  filed: 1,
  missing: [
    { cellCode: "G1", name: "一", nameEn: null, leader: null },
    { cellCode: "G2", name: "二", nameEn: null, leader: null },
  ],
};
const filed = (cellCode: string, reportDate = "2026-03-02") => ({
  reportId: 1,
  cellCode,
  reportDate,
  zeroReport: true,
  filedBy: "leader1",
});

describe("afterFiled", () => {
  it("drops the grid that filed and counts it", () => {
    const next = afterFiled(missing, filed("G1"));
    expect(next.missing.map((m) => m.cellCode)).toEqual(["G2"]);
    expect(next.filed).toBe(2);
  });
  it("ignores a report for another day or a grid not in the list", () => {
    expect(afterFiled(missing, filed("G1", "2026-03-01"))).toBe(missing);
    expect(afterFiled(missing, filed("G9"))).toBe(missing);
  });
});

describe("AlertSound", () => {
  it("counts beeps, stays silent when muted and remembers the choice", () => {
    const saved = new Map<string, string>();
    const storage = {
      getItem: (k: string) => saved.get(k) ?? null,
      setItem: (k: string, v: string) => saved.set(k, v),
    };
    const sound = new AlertSound(storage);
    sound.beep();
    sound.setMuted(true);
    sound.beep();
    expect(sound.beeps).toBe(1);
    expect(new AlertSound(storage).muted).toBe(true);
  });
});

describe("openingZoom", () => {
  it("opens just under a whole zoom level when the fit is a little above it, else at the fit", () => {
    expect(openingZoom(12.1)).toBeCloseTo(11.999, 6);
    expect(Math.floor(openingZoom(12.29))).toBe(11);
    expect(openingZoom(12.3)).toBe(12.3);
    expect(openingZoom(12.75)).toBe(12.75);
    expect(openingZoom(0.2)).toBe(0.2);
  });
});
