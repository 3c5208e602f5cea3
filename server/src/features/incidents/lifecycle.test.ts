import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";
import { actionsFrom, findTransition, incidentActions, incidentStates } from "./lifecycle.js";
import { type DemoPlaces, demoPlaces, loginAll } from "./test-fixtures.js";

let server: TestServer;
let places: DemoPlaces;
let as: Record<"admin" | "operator" | "commander" | "leader1" | "leader2" | "viewer", TestClient>;

beforeAll(async () => {
  server = await startTestServer();
  places = await demoPlaces(server.db.pool);
  as = await loginAll((n) => TestClient.loggedIn(server.url, n, server.demoPassword), [
    "admin",
    "operator",
    "commander",
    "leader1",
    "leader2",
    "viewer",
  ] as const);
});
afterAll(async () => {
  await server?.close();
});

const grid1 = () => places.grids[0]!;

async function report(client: TestClient, extra: Record<string, unknown> = {}) {
  const g = grid1();
  const res = await client.post("/api/v1/incidents", {
    category: "traffic.illegal_parking",
    description: "车辆占用消防通道 Car blocking the fire lane",
    location: { lon: g.lon, lat: g.lat },
    ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.incident as { id: number; version: number; state: string };
}

/** Puts an incident straight into a state (test setup only; the lifecycle is what is under test). */
async function forceState(id: number, state: string) {
  const before = state === "suspended" ? "dispatched" : null;
  await server.db.pool.query("UPDATE incidents SET state = $2, state_before_suspend = $3 WHERE id = $1", [
    id,
    state,
    before,
  ]);
  const { rows } = await server.db.pool.query<{ version: number }>(
    "SELECT version FROM incidents WHERE id = $1",
    [id],
  );
  return rows[0]!.version;
}

const act = (client: TestClient, id: number, body: Record<string, unknown>) =>
  client.post(`/api/v1/incidents/${id}/transitions`, body);

describe("the transition table over HTTP", () => {
  it("allows exactly the listed transitions from every state and refuses the rest with 409 naming the allowed ones", async () => {
    const outcomes: string[] = [];
    for (const state of incidentStates) {
      for (const action of incidentActions) {
        const incident = await report(as.admin);
        const version = await forceState(incident.id, state);
        const res = await act(as.admin, incident.id, { action, version, note: "reason / 原因" });
        const rule = findTransition(state, action);
        if (rule) {
          const expected = rule.to === "previous" ? "dispatched" : rule.to;
          expect(res.status, `${state} --${action}--> ${JSON.stringify(res.body)}`).toBe(200);
          expect(res.body.state).toBe(expected);
          expect(res.body.version).toBe(version + 1);
          outcomes.push(`${state}:${action}`);
        } else {
          expect(res.status, `${state} --${action}--> should be refused`).toBe(409);
          expect(res.body.error.code).toBe("invalid_transition");
          expect(res.body.error.details.allowed).toEqual(actionsFrom(state));
          const after = await as.admin.get(`/api/v1/incidents/${incident.id}`);
          expect(after.body.state).toBe(state);
          expect(after.body.version).toBe(version);
        }
      }
    }
    // 17 allowed (state, action) pairs out of 10 × 11.
    expect(outcomes).toHaveLength(17);
    expect(outcomes).toContain("suspended:resume");
    expect(outcomes).not.toContain("closed:void");
  }, 120_000);

  // Hand-written expectations (the roles' permissions must add up to this).
  const matrix: {
    from: string;
    action: string;
    allowed: (keyof typeof as)[];
    refused: (keyof typeof as)[];
  }[] = [
    {
      from: "reported",
      action: "register",
      allowed: ["operator", "commander"],
      refused: ["leader1", "viewer"],
    },
    { from: "reported", action: "void", allowed: ["operator"], refused: ["leader1", "viewer"] },
    {
      from: "registered",
      action: "dispatch",
      allowed: ["operator", "commander"],
      refused: ["leader1", "viewer"],
    },
    {
      from: "dispatched",
      action: "accept",
      allowed: ["leader1"],
      refused: ["operator", "commander", "viewer"],
    },
    { from: "dispatched", action: "return", allowed: ["leader1"], refused: ["operator", "viewer"] },
    { from: "in_progress", action: "feed_back", allowed: ["leader1"], refused: ["operator", "commander"] },
    { from: "fed_back", action: "verify", allowed: ["commander"], refused: ["operator", "leader1"] },
    { from: "fed_back", action: "reject", allowed: ["commander"], refused: ["operator", "leader1"] },
    { from: "verified", action: "close", allowed: ["commander"], refused: ["operator", "leader1"] },
    { from: "in_progress", action: "suspend", allowed: ["operator"], refused: ["leader1", "viewer"] },
    { from: "suspended", action: "resume", allowed: ["operator"], refused: ["leader1", "viewer"] },
  ];

  it.each(matrix)(
    "$from --$action--> by role: allowed $allowed, refused $refused",
    async ({ from, action, allowed, refused }) => {
      for (const who of refused) {
        const incident = await report(as.admin);
        const version = await forceState(incident.id, from);
        const res = await act(as[who], incident.id, { action, version, note: "n" });
        expect(res.status, `${who} ${action}: ${JSON.stringify(res.body)}`).toBe(403);
      }
      for (const who of allowed) {
        const incident = await report(as.admin);
        const version = await forceState(incident.id, from);
        const res = await act(as[who], incident.id, { action, version, note: "n" });
        expect(res.status, `${who} ${action}: ${JSON.stringify(res.body)}`).toBe(200);
      }
    },
  );
});

describe("a full lifecycle", () => {
  it("goes reported → closed with a timeline entry per step, and keeps first-contact accountability until dispatch", async () => {
    const incident = await report(as.leader1, { priority: "high" });
    expect(incident.state).toBe("reported");
    const created = await as.operator.get(`/api/v1/incidents/${incident.id}`);
    expect(created.body.assigneeUserId).toBe(places.userIds.leader1);
    expect(created.body.cellCode).toBe(grid1().code);
    expect(created.body.deadline.stage).toBe("register");
    expect(created.body.allowedActions).toEqual(["register", "void"]);

    const steps: [TestClient, string][] = [
      [as.operator, "register"],
      [as.operator, "dispatch"],
      [as.leader1, "accept"],
      [as.leader1, "feed_back"],
      [as.commander, "verify"],
      [as.commander, "close"],
    ];
    let version = incident.version;
    for (const [client, action] of steps) {
      const res = await act(client, incident.id, { action, version, note: `${action} note` });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      version = res.body.version;
      if (action === "register") expect(res.body.accountableUserId).toBe(places.userIds.operator);
      if (action === "dispatch") {
        expect(res.body.accountableUserId).toBe(places.userIds.leader1);
        expect(res.body.deadline.stage).toBe("resolve");
      }
    }
    const closed = await as.operator.get(`/api/v1/incidents/${incident.id}`);
    expect(closed.body.state).toBe("closed");
    expect(closed.body.closedAt).not.toBeNull();
    expect(closed.body.deadline).toBeNull();

    const timeline = await as.operator.get(`/api/v1/incidents/${incident.id}/timeline`);
    expect(
      timeline.body.events.map((e: { kind: string; action: string | null }) => e.action ?? e.kind),
    ).toEqual(["created", "register", "dispatch", "accept", "feed_back", "verify", "close"]);
    expect(timeline.body.events[2].actor).toBe("operator");
    expect(timeline.body.events[3].note).toBe("accept note");

    const { rows } = await server.db.pool.query<{ stage: string; finished: boolean }>(
      "SELECT stage, finished_at IS NOT NULL AS finished FROM incident_deadlines WHERE incident_id = $1 ORDER BY id",
      [incident.id],
    );
    expect(rows).toEqual([
      { stage: "register", finished: true },
      { stage: "dispatch", finished: true },
      { stage: "resolve", finished: true },
      { stage: "verify", finished: true },
    ]);
    const audit = await server.db.pool.query(
      "SELECT action FROM audit_log WHERE target_type = 'incident' AND target_id = $1 ORDER BY id",
      [String(incident.id)],
    );
    expect(audit.rows.map((r) => r.action)).toEqual(steps.map(([, a]) => `incident.${a}`));
    const events = await server.db.pool.query(
      "SELECT topic, payload->>'action' AS action FROM outbox WHERE payload->'incident'->>'id' = $1 ORDER BY id",
      [String(incident.id)],
    );
    expect(events.rows.map((r) => r.action ?? r.topic)).toEqual([
      "incident.created",
      ...steps.map(([, a]) => a),
    ]);
  });
});

describe("conflicts and bad input", () => {
  it("refuses a stale version with 409 version_conflict and the current version", async () => {
    const incident = await report(as.operator);
    const first = await act(as.operator, incident.id, { action: "register", version: incident.version });
    expect(first.status).toBe(200);
    const stale = await act(as.operator, incident.id, { action: "dispatch", version: incident.version });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("version_conflict");
    expect(stale.body.error.details.currentVersion).toBe(first.body.version);
  });

  it("lets exactly one of two racing transitions through; the other gets 409 and nothing is half-applied", async () => {
    const incident = await report(as.operator);
    const [a, b] = await Promise.all([
      act(as.operator, incident.id, { action: "register", version: incident.version }),
      act(as.commander, incident.id, { action: "void", version: incident.version, note: "duplicate call" }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.error.code).toBe("version_conflict");
    const timeline = await as.operator.get(`/api/v1/incidents/${incident.id}/timeline`);
    expect(timeline.body.events.filter((e: { kind: string }) => e.kind === "transition")).toHaveLength(1);
    const { rows } = await server.db.pool.query(
      "SELECT count(*)::int AS n FROM incident_deadlines WHERE incident_id = $1 AND finished_at IS NULL",
      [incident.id],
    );
    expect(rows[0].n).toBeLessThanOrEqual(1);
  });

  it("rolls back everything when a step fails (ineligible assignee)", async () => {
    const incident = await report(as.operator);
    const reg = await act(as.operator, incident.id, { action: "register", version: incident.version });
    const bad = await act(as.operator, incident.id, {
      action: "dispatch",
      version: reg.body.version,
      assigneeUserId: places.userIds.viewer,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("assignee_not_eligible");
    const after = await as.operator.get(`/api/v1/incidents/${incident.id}`);
    expect(after.body.state).toBe("registered");
    expect(after.body.version).toBe(reg.body.version);
    const timeline = await as.operator.get(`/api/v1/incidents/${incident.id}/timeline`);
    expect(timeline.body.events).toHaveLength(2);
  });

  it("requires a reason to return, suspend or void", async () => {
    const incident = await report(as.operator);
    const res = await act(as.operator, incident.id, { action: "void", version: incident.version });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("note_required");
  });

  it("refuses an unknown category, a location outside the district and unknown fields", async () => {
    const g = grid1();
    const unknown = await as.operator.post("/api/v1/incidents", {
      category: "alien_landing",
      description: "x",
      location: { lon: g.lon, lat: g.lat },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe("unknown_category");
    const outside = await as.operator.post("/api/v1/incidents", {
      category: "traffic",
      description: "x",
      location: { lon: 0.5, lat: 0.5 },
    });
    expect(outside.status).toBe(400);
    expect(outside.body.error.code).toBe("location_outside_district");
    const extra = await as.operator.post("/api/v1/incidents", {
      category: "traffic",
      description: "x",
      location: { lon: g.lon, lat: g.lat },
      colour: "red",
    });
    expect(extra.status).toBe(400);
    expect(extra.body.error.code).toBe("invalid_body");
    const badAction = await act(as.operator, 1, { action: "teleport", version: 1 });
    expect(badAction.status).toBe(400);
  });
});

describe("cell scope", () => {
  it("keeps leader2 away from leader1's incidents (404) and leader1 from reporting in leader2's grid (403)", async () => {
    const incident = await report(as.leader1);
    const seen = await as.leader2.get(`/api/v1/incidents/${incident.id}`);
    expect(seen.status).toBe(404);
    const timeline = await as.leader2.get(`/api/v1/incidents/${incident.id}/timeline`);
    expect(timeline.status).toBe(404);
    const acted = await act(as.leader2, incident.id, { action: "register", version: incident.version });
    expect(acted.status).toBe(404);
    const list2 = await as.leader2.get("/api/v1/incidents?limit=500");
    expect(list2.body.incidents.map((i: { id: number }) => i.id)).not.toContain(incident.id);
    const list1 = await as.leader1.get("/api/v1/incidents?limit=500");
    expect(list1.body.incidents.map((i: { id: number }) => i.id)).toContain(incident.id);
    expect(list1.body.incidents.every((i: { cellCode: string }) => i.cellCode === grid1().code)).toBe(true);

    const g2 = places.grids[1]!;
    const elsewhere = await as.leader1.post("/api/v1/incidents", {
      category: "traffic",
      description: "outside my grid",
      location: { lon: g2.lon, lat: g2.lat },
    });
    expect(elsewhere.status).toBe(403);
  });
});

describe("list filters by time", () => {
  it("filters by reporting window and by what was still open since an instant; refuses bad instants", async () => {
    const old = await report(as.operator, { description: "reported two days ago" });
    const oldClosed = await report(as.operator, { description: "reported and closed two days ago" });
    const fresh = await report(as.operator, { description: "reported now" });
    await server.db.pool.query(
      "UPDATE incidents SET reported_at = now() - interval '2 days' WHERE id = ANY ($1::bigint[])",
      [[old.id, oldClosed.id]],
    );
    await server.db.pool.query(
      "UPDATE incidents SET state = 'closed', closed_at = now() - interval '47 hours' WHERE id = $1",
      [oldClosed.id],
    );
    const ids = async (query: string) => {
      const res = await as.operator.get(`/api/v1/incidents?limit=500&${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.incidents.map((i: { id: number }) => i.id) as number[];
    };
    const dayAgo = encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString());
    const recent = await ids(`reported_from=${dayAgo}`);
    expect(recent).toContain(fresh.id);
    expect(recent).not.toContain(old.id);
    const before = await ids(`reported_to=${dayAgo}`);
    expect(before).toEqual(expect.arrayContaining([old.id, oldClosed.id]));
    expect(before).not.toContain(fresh.id);
    const live = await ids(`active_since=${dayAgo}`);
    expect(live).toEqual(expect.arrayContaining([old.id, fresh.id]));
    expect(live).not.toContain(oldClosed.id);

    const bad = await as.operator.get("/api/v1/incidents?reported_from=yesterday");
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_query");
    expect(JSON.stringify(bad.body.error)).toContain("reported_from");
    const backwards = await as.operator.get(
      `/api/v1/incidents?reported_from=${dayAgo}&reported_to=${encodeURIComponent("2020-01-01T00:00:00Z")}`,
    );
    expect(backwards.status).toBe(400);
    expect(JSON.stringify(backwards.body.error)).toContain("reported_from must be before reported_to");
  });
});
