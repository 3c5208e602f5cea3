import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config.js";
import { createLogger } from "../../logger.js";
import { topicPermission } from "../../realtime/events.js";
import { depsOf, type RunningServer, startHttpServer } from "../../runtime.js";
import { TestClient } from "../../test-support/http-client.js";
import { createTestDatabase, type TestDatabase } from "../../test-support/test-db.js";
import { DEMO_PASSWORD } from "../../test-support/test-pg-info.js";
import { createUser } from "../auth/auth.service.js";
import { rolePermissions } from "../auth/permissions.js";
import { decryptSecret, keyringOf } from "../secrets/keyring.js";

// Permissions that reveal plates: plate reads, hotlists, hits, raw ingest payloads (dead letters).
// plates:counts (aggregate counts per lane, no plate numbers) and plates:ingest (push only) are not.
const PLATE_PERMISSION = /^(plates:(?!ingest$|counts$)|hotlists:|hits:|deadletters:)/;
const SECRET_PASSWORD = "Sup3r-Secret-Camera-Pass";

let db: TestDatabase;
let server: RunningServer;
let logText = "";
let tech: TestClient;
let gridTech: TestClient;
let viewer: TestClient;
let gridCode: string;
let otherGridPoint: { lon: number; lat: number };
let gridPoint: { lon: number; lat: number };
const keyring = keyringOf([randomBytes(32)]);

/** A pino destination that keeps everything written, to prove secrets never reach the log. */
const capture = new Writable({
  write(chunk, _enc, done) {
    logText += chunk.toString();
    done();
  },
});

beforeAll(async () => {
  db = await createTestDatabase({ demo: true });
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: db.connectionString,
    GRIDOPS_LOG_LEVEL: "trace",
  });
  server = await startHttpServer(depsOf(config, db.pool, createLogger("trace", capture), keyring));
  tech = await TestClient.loggedIn(server.url, "tech1", DEMO_PASSWORD);
  viewer = await TestClient.loggedIn(server.url, "viewer", DEMO_PASSWORD);
  const { rows } = await db.pool.query<{ code: string; lon: number; lat: number }>(
    `SELECT code, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat
       FROM cells WHERE level = 'grid' AND retired_at IS NULL ORDER BY code LIMIT 2`,
  );
  gridCode = rows[0]!.code;
  gridPoint = { lon: rows[0]!.lon, lat: rows[0]!.lat };
  otherGridPoint = { lon: rows[1]!.lon, lat: rows[1]!.lat };
  await createUser(
    db.pool,
    { userId: null, actor: "test" },
    {
      username: "gridtech",
      displayName: "Grid tech",
      password: DEMO_PASSWORD,
      roles: ["technician"],
      cellCodes: [gridCode],
    },
  );
  gridTech = await TestClient.loggedIn(server.url, "gridtech", DEMO_PASSWORD);
});

afterAll(async () => {
  if (process.env.CAM_TEST_LOG) (await import("node:fs")).writeFileSync(process.env.CAM_TEST_LOG, logText);
  await server?.close();
  await db?.drop();
});

const newCamera = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: `Test camera ${id}`,
  vendor: "hikvision",
  model: "DS-2CD2143G2-I",
  serial_number: `SN-${id}`,
  mac_address: `44-19-B6-${randomBytes(3).toString("hex").match(/../g)!.join("-")}`,
  onvif_address: `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
  credentials: { username: "admin", password: SECRET_PASSWORD },
  rtsp_profiles: [
    {
      token: "Profile_1",
      url: "rtsp://10.0.0.1:554/Streaming/Channels/101",
      codec: "H265",
      width: 2560,
      height: 1440,
      fps: 25,
    },
  ],
  location: gridPoint,
  bearing: 90,
  fov_deg: 60,
  range_m: 40,
  mounting_height_m: 6,
  install_date: "2024-05-01",
  maintainer: "Hangzhou Security Co.",
  ...extra,
});

describe("camera inventory CRUD", () => {
  it("creates a camera, derives its cell, stores credentials encrypted and never shows them", async () => {
    const res = await tech.post("/api/v1/cameras", newCamera("T-0001"));
    expect(res.status).toBe(201);
    expect(res.body.cell_code).toBe(gridCode);
    expect(res.body.has_credentials).toBe(true);
    expect(res.body.onvif_address).toMatch(/^http:\/\/10\.9\.\d+\.\d+\/onvif\/device_service$/);
    expect(res.body.mac_address).toMatch(/^44:19:b6(:[0-9a-f]{2}){3}$/);
    expect(res.text).not.toContain(SECRET_PASSWORD);
    expect(res.text).not.toContain("credentials_enc");
    const { rows } = await db.pool.query<{ credentials_enc: string }>(
      "SELECT credentials_enc FROM cameras WHERE id = 'T-0001'",
    );
    expect(rows[0]!.credentials_enc).not.toContain(SECRET_PASSWORD);
    expect(JSON.parse(decryptSecret(keyring, rows[0]!.credentials_enc))).toEqual({
      username: "admin",
      password: SECRET_PASSWORD,
    });

    const read = await tech.get("/api/v1/cameras/T-0001");
    expect(read.status).toBe(200);
    expect(read.text).not.toContain(SECRET_PASSWORD);
    const geo = await tech.get("/api/v1/cameras?limit=5000");
    expect(geo.body.type).toBe("FeatureCollection");
    expect(geo.body.features.some((f: { id: string }) => f.id === "T-0001")).toBe(true);
    expect(geo.text).not.toContain(SECRET_PASSWORD);
  });

  it("updates fields with a version check, and credentials stay write-only", async () => {
    const before = await tech.get("/api/v1/cameras/T-0001");
    const res = await tech.patch("/api/v1/cameras/T-0001", {
      bearing: 180.5,
      firmware: "V5.7.3",
      credentials: { username: "ops", password: `${SECRET_PASSWORD}-2` },
      version: before.body.version,
    });
    expect(res.status).toBe(200);
    expect(res.body.bearing).toBe(180.5);
    expect(res.body.version).toBe(before.body.version + 1);
    expect(res.text).not.toContain(SECRET_PASSWORD);
    const stale = await tech.patch("/api/v1/cameras/T-0001", { bearing: 10, version: before.body.version });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("version_conflict");
    const { rows } = await db.pool.query<{ credentials_version: number }>(
      "SELECT credentials_version FROM cameras WHERE id = 'T-0001'",
    );
    expect(rows[0]!.credentials_version).toBe(1);
  });

  it.each([
    [{ bearing: 360 }, "body.bearing"],
    [{ bearing: -1 }, "body.bearing"],
    [{ fov_deg: 0 }, "body.fov_deg"],
    [{ fov_deg: 361 }, "body.fov_deg"],
    [{ range_m: 0 }, "body.range_m"],
    [{ mac_address: "44:19:b6:zz:00:01" }, "body.mac_address"],
    [{ onvif_address: "ftp://10.0.0.2" }, "body.onvif_address"],
    [{ rtsp_profiles: [{ token: "a", url: "rtsp://admin:pw@10.0.0.1/live" }] }, "body.rtsp_profiles.0.url"],
  ])("refuses %j with a 400 naming %s", async (bad, field) => {
    const res = await tech.post("/api/v1/cameras", newCamera(`T-BAD-${randomBytes(3).toString("hex")}`, bad));
    expect(res.status).toBe(400);
    expect(res.body.error.details.problems[0].field).toBe(field);
  });

  it("answers 409 duplicate_camera naming the existing camera for serial, MAC and ONVIF address", async () => {
    const original = (await tech.post("/api/v1/cameras", newCamera("T-0002"))).body;
    for (const [field, value] of [
      ["serial_number", original.serial_number.toLowerCase()],
      ["mac_address", original.mac_address.toUpperCase()],
      ["onvif_address", original.onvif_address.replace("/onvif/device_service", "")],
    ] as const) {
      const res = await tech.post("/api/v1/cameras", newCamera(`T-DUP-${field}`, { [field]: value }));
      expect(res.status, field).toBe(409);
      expect(res.body.error.code).toBe("duplicate_camera");
      expect(res.body.error.details.existing_camera.id).toBe("T-0002");
      expect(res.body.error.message).toContain("T-0002");
    }
    const sameId = await tech.post("/api/v1/cameras", newCamera("T-0002"));
    expect(sameId.status).toBe(409);
    const patch = await tech.patch("/api/v1/cameras/T-0001", { serial_number: original.serial_number });
    expect(patch.status).toBe(409);
    expect(patch.body.error.details.existing_camera.id).toBe("T-0002");
  });

  it("refuses a location outside every cell unless a cell_override names a cell", async () => {
    const outside = await tech.post(
      "/api/v1/cameras",
      newCamera("T-OUT", { location: { lon: 0.5, lat: 0.5 } }),
    );
    expect(outside.status).toBe(400);
    expect(outside.body.error.code).toBe("location_outside_district");
    const overridden = await tech.post(
      "/api/v1/cameras",
      newCamera("T-OUT", { location: { lon: 0.5, lat: 0.5 }, cell_override: gridCode }),
    );
    expect(overridden.status).toBe(201);
    expect(overridden.body.cell_code).toBe(gridCode);
  });

  it("deletes a camera", async () => {
    expect((await tech.delete("/api/v1/cameras/T-OUT")).status).toBe(204);
    expect((await tech.get("/api/v1/cameras/T-OUT")).status).toBe(404);
  });

  it("keeps credentials out of the logs", () => {
    expect(logText.length).toBeGreaterThan(1000);
    expect(logText).not.toContain(SECRET_PASSWORD);
  });
});

describe("cell scope", () => {
  it("lets a grid technician edit cameras in their grid only", async () => {
    const mine = await gridTech.post("/api/v1/cameras", newCamera("T-G1"));
    expect(mine.status).toBe(201);
    const elsewhere = await gridTech.post("/api/v1/cameras", newCamera("T-G2", { location: otherGridPoint }));
    expect(elsewhere.status).toBe(403);
    const { rows } = await db.pool.query<{ id: string }>(
      "SELECT id FROM cameras WHERE cell_code <> $1 AND cell_code IS NOT NULL ORDER BY id LIMIT 1",
      [gridCode],
    );
    const foreign = rows[0]!.id;
    expect((await gridTech.patch(`/api/v1/cameras/${foreign}`, { bearing: 1 })).status).toBe(403);
    expect((await gridTech.get(`/api/v1/cameras/${foreign}`)).status).toBe(403);
    const moveAway = await gridTech.patch("/api/v1/cameras/T-G1", { location: otherGridPoint });
    expect(moveAway.status).toBe(403);
    const fleet = await gridTech.get("/api/v1/health/fleet?limit=1000");
    expect(fleet.status).toBe(200);
    expect(fleet.body.cameras.length).toBeGreaterThan(0);
    expect(fleet.body.cameras.every((c: { cell_code: string }) => c.cell_code === gridCode)).toBe(true);
  });

  it("does not let a viewer edit cameras", async () => {
    expect((await viewer.post("/api/v1/cameras", newCamera("T-V1"))).status).toBe(403);
  });
});

describe("bulk import", () => {
  const csv = (rows: string[]) =>
    [
      "id,name,vendor,model,serial_number,mac_address,onvif_address,lon,lat,bearing,fov_deg,username,password,rtsp_url",
      ...rows,
    ].join("\n");
  const row = (id: string, extra: Partial<Record<string, string>> = {}) => {
    const v = {
      serial: `IMP-${id}`,
      mac: `00:11:22:${randomBytes(3).toString("hex").match(/../g)!.join(":")}`,
      bearing: "45",
      fov: "70",
      ...extra,
    };
    return `${id},"Import ${id}, north",dahua,IPC-HFW,${v.serial},${v.mac},10.20.0.${id.slice(-2)},${gridPoint.lon},${gridPoint.lat},${v.bearing},${v.fov},admin,${SECRET_PASSWORD},rtsp://10.20.0.1/cam/realmonitor`;
  };
  const post = (format: string, dryRun: boolean, body: string, type = "text/csv") =>
    tech.request("POST", `/api/v1/cameras/import?format=${format}&dry_run=${dryRun}`, body, {
      "content-type": type,
    });

  it("reports every problem on a dry run and changes nothing", async () => {
    const existingSerial = "SN-T-0001";
    const res = await post(
      "csv",
      true,
      csv([
        row("IMP-01"),
        row("IMP-02", { bearing: "400" }),
        row("IMP-03", { serial: existingSerial }),
        row("IMP-04", { serial: "IMP-IMP-01" }),
      ]),
    );
    expect(res.status).toBe(200);
    expect(res.body.applied).toBe(false);
    expect(res.body.rows).toBe(4);
    const byRow = (n: number) => res.body.problems.filter((p: { row: number }) => p.row === n);
    expect(byRow(1)).toEqual([]);
    expect(byRow(2)[0].field).toBe("bearing");
    expect(byRow(3)[0]).toMatchObject({
      code: "duplicate_camera",
      field: "serial_number",
      existing_camera: { id: "T-0001" },
    });
    expect(byRow(4)[0]).toMatchObject({ code: "duplicate_in_file", field: "serial_number" });
    const { rows } = await db.pool.query("SELECT 1 FROM cameras WHERE id LIKE 'IMP-%'");
    expect(rows).toHaveLength(0);
  });

  it("refuses to apply a file with problems (all or nothing)", async () => {
    const res = await post("csv", false, csv([row("IMP-11"), row("IMP-12", { fov: "0" })]));
    expect(res.body.applied).toBe(false);
    const { rows } = await db.pool.query("SELECT 1 FROM cameras WHERE id LIKE 'IMP-%'");
    expect(rows).toHaveLength(0);
  });

  it("applies a clean CSV in one go, with credentials sealed", async () => {
    const dry = await post("csv", true, csv([row("IMP-21"), row("IMP-22")]));
    expect(dry.body).toMatchObject({ applied: false, problems: [], created: ["IMP-21", "IMP-22"] });
    const res = await post("csv", false, csv([row("IMP-21"), row("IMP-22")]));
    expect(res.body).toMatchObject({ applied: true, valid: 2, created: ["IMP-21", "IMP-22"] });
    const cam = await tech.get("/api/v1/cameras/IMP-21");
    expect(cam.body).toMatchObject({
      name: "Import IMP-21, north",
      cell_code: gridCode,
      has_credentials: true,
      bearing: 45,
    });
    expect(cam.body.rtsp_profiles[0].url).toBe("rtsp://10.20.0.1/cam/realmonitor");
    expect(logText).not.toContain(SECRET_PASSWORD);
  });

  it("imports GeoJSON points", async () => {
    const fc = {
      type: "FeatureCollection",
      features: [
        {
          type: "Feature",
          id: "GJ-1",
          geometry: { type: "Point", coordinates: [gridPoint.lon, gridPoint.lat] },
          properties: {
            name: "GeoJSON one",
            vendor: "axis",
            bearing: 10,
            fov_deg: 90,
            serial_number: "GJ-SN-1",
          },
        },
        {
          type: "Feature",
          geometry: { type: "Point", coordinates: [gridPoint.lon, gridPoint.lat] },
          properties: { id: "GJ-2", name: "GeoJSON two", vendor: "axis" },
        },
      ],
    };
    const res = await post("geojson", false, JSON.stringify(fc), "application/geo+json");
    expect(res.body).toMatchObject({ applied: true, created: ["GJ-1", "GJ-2"] });
    const bad = await post(
      "geojson",
      true,
      JSON.stringify({
        type: "FeatureCollection",
        features: [{ type: "Feature", geometry: { type: "LineString", coordinates: [] }, properties: {} }],
      }),
      "application/geo+json",
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_geojson");
  });

  it("answers malformed CSV with a 400", async () => {
    const res = await post("csv", true, 'id,name\n"unterminated,x\n');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("malformed_csv");
  });
});

describe("technicians and plate data", () => {
  it("grants technicians no plate, hotlist, hit or dead-letter permission, nor any live topic carrying plates", () => {
    const plateish = rolePermissions.technician.filter((p) => PLATE_PERMISSION.test(p));
    expect(plateish).toEqual([]);
    const technician = new Set<string>(rolePermissions.technician);
    for (const [topic, permission] of Object.entries(topicPermission)) {
      if (PLATE_PERMISSION.test(permission)) expect(technician.has(permission), topic).toBe(false);
    }
  });

  it("refuses a technician every route that needs a plate permission", async () => {
    const plateRoutes = server.built.routes.routes.filter(
      (r) =>
        r.policy.access === "permission" &&
        PLATE_PERMISSION.test(r.policy.permission) &&
        !r.path.includes(":"),
    );
    expect(plateRoutes.length).toBeGreaterThan(0);
    for (const route of plateRoutes) {
      const res = await tech.request(
        route.method.toUpperCase(),
        route.path,
        route.method === "get" ? undefined : {},
      );
      expect(res.status, `${route.method} ${route.path}`).toBe(403);
    }
  });
});
