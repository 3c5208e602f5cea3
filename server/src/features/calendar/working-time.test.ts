import { describe, expect, it } from "vitest";
import {
  addWorkingMinutes,
  CalendarError,
  isWorkingTime,
  periodsOn,
  type WorkCalendar,
  type WorkPeriod,
  workingMinutesBetween,
} from "./working-time.js";

// The seeded mainland calendar: Mon-Fri 09:00-12:00 and 13:00-18:00 (8 working hours),
// with some of the 2026 holidays and make-up days of the State Council notice.
const office: WorkPeriod[] = [
  { start: 9 * 60, end: 12 * 60 },
  { start: 13 * 60, end: 18 * 60 },
];
const days = new Map<string, "holiday" | "workday">();
const range = (from: string, to: string) => {
  for (
    let d = new Date(`${from}T00:00:00Z`);
    d <= new Date(`${to}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1)
  ) {
    days.set(d.toISOString().slice(0, 10), "holiday");
  }
};
range("2026-01-01", "2026-01-03");
range("2026-02-15", "2026-02-23");
range("2026-04-04", "2026-04-06");
range("2026-10-01", "2026-10-07");
for (const d of ["2026-01-04", "2026-02-14", "2026-02-28", "2026-10-10"]) days.set(d, "workday");

const cn: WorkCalendar = {
  timeZone: "Asia/Shanghai",
  weekly: new Map([1, 2, 3, 4, 5].map((d) => [d, office])),
  days,
};

const at = (local: string) => new Date(`${local}+08:00`);
const add = (from: string, minutes: number) => addWorkingMinutes(cn, at(from), minutes).toISOString();
const iso = (local: string) => at(local).toISOString();

describe("addWorkingMinutes", () => {
  it("counts within one working period", () => {
    expect(add("2026-03-02T10:00:00", 60)).toBe(iso("2026-03-02T11:00:00"));
  });

  it("skips the lunch break", () => {
    expect(add("2026-03-02T11:30:00", 60)).toBe(iso("2026-03-02T13:30:00"));
  });

  it("a full working day from opening ends at closing time, not the next morning", () => {
    expect(add("2026-03-02T09:00:00", 480)).toBe(iso("2026-03-02T18:00:00"));
  });

  it("carries over the night", () => {
    expect(add("2026-03-02T17:30:00", 60)).toBe(iso("2026-03-03T09:30:00"));
  });

  it("starts counting at the next opening when reported at night", () => {
    expect(add("2026-03-02T22:00:00", 30)).toBe(iso("2026-03-03T09:30:00"));
    expect(add("2026-03-03T03:00:00", 30)).toBe(iso("2026-03-03T09:30:00"));
  });

  it("skips a weekend", () => {
    // Friday 6 March 2026, 17:00 + 2 h → Monday 9 March 10:00.
    expect(add("2026-03-06T17:00:00", 120)).toBe(iso("2026-03-09T10:00:00"));
    expect(add("2026-03-07T12:00:00", 10)).toBe(iso("2026-03-09T09:10:00"));
  });

  it("skips a public holiday that includes a Monday (Qingming, 4-6 April)", () => {
    expect(add("2026-04-03T17:00:00", 120)).toBe(iso("2026-04-07T10:00:00"));
  });

  it("counts a make-up Saturday as a working day (14 Feb) and skips the whole Spring Festival", () => {
    expect(add("2026-02-13T17:00:00", 120)).toBe(iso("2026-02-14T10:00:00"));
    expect(add("2026-02-14T17:30:00", 60)).toBe(iso("2026-02-24T09:30:00"));
  });

  it("counts a make-up Sunday after New Year (4 Jan)", () => {
    expect(add("2025-12-31T17:00:00", 120)).toBe(iso("2026-01-04T10:00:00"));
  });

  it("ends exactly at the end of a period when the time fits exactly", () => {
    expect(add("2026-03-02T11:00:00", 60)).toBe(iso("2026-03-02T12:00:00"));
  });

  it("handles fractional minutes (80 % of 45 min)", () => {
    expect(add("2026-03-02T10:00:00", 45 * 0.8)).toBe(iso("2026-03-02T10:36:00"));
  });

  it("returns the start for zero and refuses negative minutes", () => {
    expect(add("2026-03-07T12:00:00", 0)).toBe(iso("2026-03-07T12:00:00"));
    expect(() => addWorkingMinutes(cn, at("2026-03-02T10:00:00"), -1)).toThrow(RangeError);
  });

  it("fails clearly on a calendar without working time", () => {
    const empty: WorkCalendar = { timeZone: "Asia/Shanghai", weekly: new Map(), days: new Map() };
    expect(() => addWorkingMinutes(empty, at("2026-03-02T10:00:00"), 1)).toThrow(CalendarError);
  });

  it("fails clearly on an unknown time zone", () => {
    const bad: WorkCalendar = { ...cn, timeZone: "Mars/Olympus" };
    expect(() => addWorkingMinutes(bad, at("2026-03-02T10:00:00"), 1)).toThrowError(/Unknown time zone/);
  });
});

describe("workingMinutesBetween", () => {
  const between = (a: string, b: string) => workingMinutesBetween(cn, at(a), at(b));

  it("counts a plain working day", () => {
    expect(between("2026-03-02T00:00:00", "2026-03-03T00:00:00")).toBe(480);
  });

  it("is zero over a weekend and for reversed ranges", () => {
    expect(between("2026-03-06T18:00:00", "2026-03-09T09:00:00")).toBe(0);
    expect(between("2026-03-09T12:00:00", "2026-03-09T10:00:00")).toBe(0);
  });

  it("skips the National Day week and counts the make-up Saturday", () => {
    expect(between("2026-09-30T09:00:00", "2026-10-08T09:00:00")).toBe(480);
    expect(between("2026-10-09T09:00:00", "2026-10-12T09:00:00")).toBe(960);
  });

  it("counts partial periods at both ends", () => {
    expect(between("2026-03-02T11:30:00", "2026-03-03T09:15:00")).toBe(30 + 300 + 15);
  });

  it("inverts addWorkingMinutes for many starting points and amounts", () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 300; i++) {
      const from = new Date(at("2025-12-20T00:00:00").getTime() + Math.floor(random() * 300 * 86_400_000));
      const minutes = Math.floor(random() * 5000);
      const to = addWorkingMinutes(cn, from, minutes);
      expect(workingMinutesBetween(cn, from, to)).toBeCloseTo(minutes, 6);
    }
  });
});

describe("time zones and day kinds", () => {
  it("counts 47 hours over the weekend the US springs forward (New York, 8 March 2026)", () => {
    const allDay = [{ start: 0, end: 24 * 60 }];
    const ny: WorkCalendar = {
      timeZone: "America/New_York",
      weekly: new Map([1, 2, 3, 4, 5, 6, 7].map((d) => [d, allDay])),
      days: new Map(),
    };
    const from = new Date("2026-03-07T00:00:00-05:00");
    const to = new Date("2026-03-09T00:00:00-04:00");
    expect(workingMinutesBetween(ny, from, to)).toBe(47 * 60);
  });

  it("knows which instants are working time", () => {
    expect(isWorkingTime(cn, at("2026-03-02T09:00:00"))).toBe(true);
    expect(isWorkingTime(cn, at("2026-03-02T12:30:00"))).toBe(false);
    expect(isWorkingTime(cn, at("2026-03-02T18:00:00"))).toBe(false);
    expect(isWorkingTime(cn, at("2026-02-14T10:00:00"))).toBe(true);
    expect(isWorkingTime(cn, at("2026-10-05T10:00:00"))).toBe(false);
  });

  it("uses Monday's periods on make-up days and none on holidays", () => {
    expect(periodsOn(cn, "2026-02-28")).toEqual(office);
    expect(periodsOn(cn, "2026-02-16")).toEqual([]);
    expect(periodsOn(cn, "2026-03-08")).toEqual([]);
  });
});
