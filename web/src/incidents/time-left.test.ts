import { describe, expect, it } from "vitest";
import { translatorFor, viewTranslator } from "../i18n/i18n.js";
import { incidentMessages } from "./incidents.messages.js";
import { byDeadline, formatDuration, timeLeftText } from "./time-left.js";

const en = viewTranslator(incidentMessages, translatorFor("en"));
const zh = viewTranslator(incidentMessages, translatorFor("zh-CN"));

describe("time left", () => {
  const now = Date.parse("2026-03-02T08:00:00Z");
  it("formats minutes, hours and days", () => {
    expect(formatDuration(45 * 60_000, en)).toBe("45 min");
    expect(formatDuration((3 * 60 + 12) * 60_000, en)).toBe("3 h 12 min");
    expect(formatDuration((2 * 1440 + 4 * 60) * 60_000, zh)).toBe("2 天 4 小时");
  });
  it("says how long is left or how long overdue", () => {
    expect(timeLeftText("2026-03-02T09:05:00Z", now, en)).toBe("1 h 5 min left");
    expect(timeLeftText("2026-03-02T07:50:00Z", now, zh)).toBe("已超期 10 分钟");
    expect(timeLeftText(null, now, en)).toBe("No time limit");
  });
  it("sorts by deadline, no deadline last", () => {
    const items = [
      { id: 1, dueAt: null },
      { id: 2, dueAt: "2026-03-02T10:00:00Z" },
      { id: 3, dueAt: "2026-03-02T09:00:00Z" },
    ];
    expect(items.sort(byDeadline).map((i) => i.id)).toEqual([3, 2, 1]);
  });
});
