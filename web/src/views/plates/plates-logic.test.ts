import { describe, expect, it } from "vitest";
import type { CheckpointFlow, Hit, HotlistEntry } from "../../api/plates-api.js";
import { withLiveWindow } from "./flow-panel.js";
import { testHit } from "./hits.test-support.js";
import { keepNewest, withLiveHit } from "./hits-panel.js";
import { entryRequest, entryState } from "./hotlists-panel.js";
import { platesTabs } from "./plates-view.js";

const hit = (id: number, status: Hit["status"] = "pending"): Hit => testHit(id, { status });

describe("withLiveHit", () => {
  it("puts a new hit on top, once", () => {
    const list = withLiveHit([hit(1)], hit(2), "pending");
    expect(list.map((h) => h.id)).toEqual([2, 1]);
    expect(withLiveHit(list, hit(2), "pending").map((h) => h.id)).toEqual([2, 1]);
  });
  it("leaves a list of another status alone", () => {
    expect(withLiveHit([hit(1, "confirmed")], hit(2), "confirmed").map((h) => h.id)).toEqual([1]);
  });
});

describe("keepNewest", () => {
  it("keeps a short feed whole", () => {
    const hits = [hit(3), hit(2), hit(1)];
    expect(keepNewest(hits, 3)).toEqual({ kept: hits, dropped: [], beforeId: null });
  });
  it("keeps the newest and pages on from the oldest kept", () => {
    const { kept, dropped, beforeId } = keepNewest([hit(5), hit(4), hit(3), hit(2), hit(1)], 3);
    expect(kept.map((h) => h.id)).toEqual([5, 4, 3]);
    expect(dropped.map((h) => h.id)).toEqual([2, 1]);
    expect(beforeId).toBe(3);
  });
});

describe("entryRequest", () => {
  const now = new Date("2026-03-01T00:00:00Z");
  const values = {
    plate: " 浙B99999 ",
    colour: "",
    matchLevel: "confusable",
    reasonCode: "case_involved",
    caseReference: " C-42 ",
    priority: "urgent",
    expires: "2026-04-01T00:00:00.000Z",
    note: "",
  };
  it("builds the entry with trimmed text and no colour for any colour", () => {
    expect(entryRequest(values, now)).toEqual({
      plate: "浙B99999",
      plateColour: null,
      matchLevel: "confusable",
      reasonCode: "case_involved",
      caseReference: "C-42",
      priority: "urgent",
      expiresAt: "2026-04-01T00:00:00.000Z",
      note: null,
    });
  });
  it("requires the reason code, the case reference and a future expiry", () => {
    expect(entryRequest({ ...values, reasonCode: "" }, now)).toBe("plates.hotlists.needReason");
    expect(entryRequest({ ...values, caseReference: " " }, now)).toBe("plates.hotlists.needCase");
    expect(entryRequest({ ...values, expires: "2026-02-01T00:00:00.000Z" }, now)).toBe(
      "plates.hotlists.needExpiry",
    );
    expect(entryRequest({ ...values, expires: null }, now)).toBe("plates.hotlists.needExpiry");
    expect(entryRequest({ ...values, plate: "浙" }, now)).toBe("plates.hotlists.needPlate");
  });
});

describe("entryState", () => {
  const entry = { removedAt: null, expiresAt: "2026-03-02T00:00:00Z" } as HotlistEntry;
  it("is live, expired or removed", () => {
    expect(entryState(entry, new Date("2026-03-01T00:00:00Z"))).toBe("live");
    expect(entryState(entry, new Date("2026-03-03T00:00:00Z"))).toBe("expired");
    expect(
      entryState({ ...entry, removedAt: "2026-03-01T01:00:00Z" }, new Date("2026-03-01T02:00:00Z")),
    ).toBe("removed");
  });
});

describe("withLiveWindow", () => {
  const flow: CheckpointFlow = {
    checkpointId: "CP-1",
    bucketMinutes: 5,
    from: "2026-03-01T08:00:00Z",
    to: "2026-03-01T08:15:00Z",
    buckets: [
      { start: "2026-03-01T08:00:00.000Z", vehicles: 3, lanes: [] },
      { start: "2026-03-01T08:05:00.000Z", vehicles: 4, lanes: [] },
    ],
  };
  const window = (checkpointId: string, start: string, vehicles: number) => ({
    checkpointId,
    cellCode: null,
    windowStart: start,
    windowSeconds: 300,
    vehicles,
    lanes: [{ lane: 1, vehicles }],
  });
  it("replaces a recounted bucket and appends a new one in order", () => {
    const next = withLiveWindow(
      withLiveWindow(flow, window("CP-1", "2026-03-01T08:10:00Z", 6)),
      window("CP-1", "2026-03-01T08:05:00Z", 5),
    );
    expect(next.buckets.map((b) => b.vehicles)).toEqual([3, 5, 6]);
  });
  it("ignores another checkpoint's window", () => {
    expect(withLiveWindow(flow, window("CP-2", "2026-03-01T08:10:00Z", 6))).toBe(flow);
  });
});

describe("platesTabs", () => {
  it("never offers search to a role without plates:search", () => {
    expect(platesTabs(["hits:read", "plates:counts", "deadletters:read", "hotlists:read"])).not.toContain(
      "search",
    );
    expect(platesTabs(["hits:read", "plates:search"])).toEqual(["hits", "search"]);
  });
});
