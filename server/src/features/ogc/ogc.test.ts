/**
 * OGC API – Features, organised by the abstract test suite of OGC 17-069r4 (Part 1) and
 * 18-058 (Part 2): /conf/core (landing page, conformance, collections, items, feature,
 * limit, bbox, datetime, numberMatched), /conf/geojson (media types) and /conf/crs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";

let server: TestServer;
let commander: TestClient;
let technician: TestClient;
let leader: TestClient;
let anonymous: TestClient;
let leaderGrid: string;
let center: { x: number; y: number };

const CORE = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core";
const GEOJSON_CONF = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson";

interface Feature {
  type: string;
  id: string | number;
  geometry: { type: string; coordinates: unknown };
  properties: Record<string, unknown>;
}

beforeAll(async () => {
  server = await startTestServer();
  [commander, technician, leader] = (await Promise.all(
    ["commander", "tech1", "leader1"].map((u) => TestClient.loggedIn(server.url, u, server.demoPassword)),
  )) as [TestClient, TestClient, TestClient];
  anonymous = new TestClient(server.url);
  const { rows } = await server.db.pool.query<{ code: string }>(
    "SELECT uc.cell_code AS code FROM user_cells uc JOIN users u ON u.id = uc.user_id WHERE u.username = 'leader1'",
  );
  leaderGrid = rows[0]!.code;
  const { rows: c } = await server.db.pool.query<{ x: number; y: number }>(
    "SELECT ST_X(ST_Centroid(geom)) AS x, ST_Y(ST_Centroid(geom)) AS y FROM cells WHERE level = 'district'",
  );
  center = c[0]!;
});
afterAll(() => server?.close());

const rels = (links: { rel: string }[]) => links.map((l) => l.rel);
const path = (href: string) => href.slice(server.url.length);

async function allItems(
  client: TestClient,
  start: string,
): Promise<{ features: Feature[]; pages: number; matched: number[] }> {
  const features: Feature[] = [];
  const matched: number[] = [];
  let next: string | undefined = start;
  let pages = 0;
  while (next) {
    const res = await client.get(next);
    expect(res.status).toBe(200);
    features.push(...res.body.features);
    matched.push(res.body.numberMatched);
    expect(res.body.numberReturned).toBe(res.body.features.length);
    next = res.body.links.find((l: { rel: string }) => l.rel === "next")?.href;
    if (next) next = path(next);
    pages += 1;
  }
  return { features, pages, matched };
}

async function ids(sql: string, params: unknown[] = []): Promise<string[]> {
  const { rows } = await server.db.pool.query<{ k: string }>(sql, params);
  return rows.map((r) => String(r.k)).sort();
}

describe("landing page and conformance (/conf/core/root-op, /conf/core/conformance-op)", () => {
  it("serves the landing page with service-desc, conformance and data links, to anyone", async () => {
    const res = await anonymous.get("/ogc");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(rels(res.body.links)).toEqual(
      expect.arrayContaining(["self", "service-desc", "conformance", "data"]),
    );
    const desc = res.body.links.find((l: { rel: string }) => l.rel === "service-desc");
    expect(path(desc.href)).toBe("/api/openapi.json");
    const doc = await anonymous.get(path(desc.href));
    expect(doc.status).toBe(200);
    expect(doc.body.paths["/ogc/collections/cells/items"]).toBeDefined();
    const data = res.body.links.find((l: { rel: string }) => l.rel === "data");
    expect(path(data.href)).toBe("/ogc/collections");
  });

  it("builds links from the real host unless a proxy is trusted", async () => {
    const res = await anonymous.get("/ogc", {
      "x-forwarded-host": "evil.example",
      "x-forwarded-proto": "https",
    });
    for (const link of res.body.links)
      expect(link.href.startsWith(`${server.url}/`) || link.href === `${server.url}/ogc`).toBe(true);
  });

  it("lists the conformance classes it implements", async () => {
    const res = await anonymous.get("/ogc/conformance?f=json");
    expect(res.status).toBe(200);
    expect(res.body.conformsTo).toEqual(
      expect.arrayContaining([
        CORE,
        GEOJSON_CONF,
        "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
      ]),
    );
  });

  it("answers an unsupported f with 400", async () => {
    const res = await anonymous.get("/ogc?f=xml");
    expect(res.status).toBe(400);
  });

  it("titles follow Accept-Language", async () => {
    const en = await anonymous.get("/ogc", { "accept-language": "en" });
    const zh = await anonymous.get("/ogc", { "accept-language": "zh-CN" });
    expect(en.body.title).toMatch(/GridOps OGC API/);
    expect(zh.body.title).toMatch(/网格/);
  });
});

describe("collections (/conf/core/fc-md-*)", () => {
  it("lists the readable collections with links and extents; data needs a login", async () => {
    expect((await anonymous.get("/ogc/collections")).status).toBe(401);
    const res = await commander.get("/ogc/collections");
    expect(res.status).toBe(200);
    expect(res.body.collections.map((c: { id: string }) => c.id)).toEqual([
      "cells",
      "checkpoints",
      "cameras",
      "incidents",
    ]);
    for (const c of res.body.collections) {
      expect(rels(c.links)).toEqual(expect.arrayContaining(["self", "items"]));
      expect(c.links.find((l: { rel: string }) => l.rel === "items").type).toBe("application/geo+json");
      expect(c.extent.spatial.bbox[0]).toHaveLength(4);
      expect(c.extent.spatial.crs).toBe("http://www.opengis.net/def/crs/OGC/1.3/CRS84");
      expect(c.crs).toContain("http://www.opengis.net/def/crs/EPSG/0/4490");
    }
    const cameras = res.body.collections.find((c: { id: string }) => c.id === "cameras");
    const [x1, y1, x2, y2] = cameras.extent.spatial.bbox[0];
    const { rows } = await server.db.pool.query<{ x1: number; y1: number; x2: number; y2: number }>(
      "SELECT ST_XMin(e) x1, ST_YMin(e) y1, ST_XMax(e) x2, ST_YMax(e) y2 FROM (SELECT ST_Extent(geom) e FROM cameras) s",
    );
    expect([x1, y1, x2, y2]).toEqual([rows[0]!.x1, rows[0]!.y1, rows[0]!.x2, rows[0]!.y2]);
  });

  it("omits collections the caller may not read, and refuses them directly", async () => {
    const res = await technician.get("/ogc/collections");
    expect(res.body.collections.map((c: { id: string }) => c.id)).not.toContain("incidents");
    expect((await technician.get("/ogc/collections/incidents/items")).status).toBe(403);
  });

  it("describes one collection with a temporal extent; unknown ids are 404", async () => {
    const res = await commander.get("/ogc/collections/checkpoints");
    expect(res.status).toBe(200);
    expect(res.body.id).toBe("checkpoints");
    expect(res.body.extent.temporal.interval[0]).toHaveLength(2);
    expect(Date.parse(res.body.extent.temporal.interval[0][0])).not.toBeNaN();
    for (const p of [
      "/ogc/collections/nope",
      "/ogc/collections/nope/items",
      "/ogc/collections/nope/items/1",
    ]) {
      const r = await commander.get(p);
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe("collection_not_found");
    }
  });

  it("publishes queryables as JSON Schema", async () => {
    const res = await commander.get("/ogc/collections/cameras/queryables");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/schema\+json/);
    expect(res.body.properties.status.enum).toContain("offline");
  });
});

describe("items (/conf/core/fc-*)", () => {
  it("returns GeoJSON with numberMatched, numberReturned, timeStamp and self/collection links", async () => {
    const res = await commander.get("/ogc/collections/cameras/items?limit=10");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/geo\+json/);
    expect(res.body.type).toBe("FeatureCollection");
    expect(res.body.features).toHaveLength(10);
    expect(res.body.numberReturned).toBe(10);
    const { rows } = await server.db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM cameras");
    expect(res.body.numberMatched).toBe(rows[0]!.n);
    expect(Math.abs(Date.parse(res.body.timeStamp) - Date.now())).toBeLessThan(60_000);
    expect(rels(res.body.links)).toEqual(expect.arrayContaining(["self", "collection", "next"]));
    expect(rels(res.body.links)).not.toContain("prev");
    const f = res.body.features[0] as Feature;
    expect(f.type).toBe("Feature");
    expect(f.geometry.type).toBe("Point");
    expect(f.properties).not.toHaveProperty("credentials_enc");
    expect(f.properties).not.toHaveProperty("onvif_address");
  });

  it("pages through every feature once with next links; prev goes back", async () => {
    const { features, pages, matched } = await allItems(
      commander,
      "/ogc/collections/checkpoints/items?limit=7",
    );
    const expected = await ids("SELECT id AS k FROM checkpoints");
    expect(features.map((f) => String(f.id)).sort()).toEqual(expected);
    expect(new Set(features.map((f) => f.id)).size).toBe(features.length);
    expect(pages).toBe(Math.ceil(expected.length / 7));
    expect(new Set(matched)).toEqual(new Set([expected.length]));
    const second = await commander.get("/ogc/collections/checkpoints/items?limit=7&offset=7");
    const prev = second.body.links.find((l: { rel: string }) => l.rel === "prev");
    const first = await commander.get(path(prev.href));
    expect(first.body.features.map((f: Feature) => f.id)).toEqual(features.slice(0, 7).map((f) => f.id));
  });

  it("clamps an oversized limit instead of failing, and refuses non-numbers and zero", async () => {
    const big = await commander.get("/ogc/collections/cells/items?limit=99999999");
    expect(big.status).toBe(200);
    const { rows } = await server.db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM cells WHERE retired_at IS NULL",
    );
    expect(big.body.numberReturned).toBe(Math.min(rows[0]!.n, 10_000));
    for (const bad of ["abc", "0", "-5", "1.5"]) {
      const res = await commander.get(`/ogc/collections/cells/items?limit=${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.details.problems[0].field).toBe("query.limit");
    }
  });

  it("bbox returns exactly the features PostGIS says intersect it", async () => {
    const bbox = [center.x - 0.01, center.y - 0.008, center.x + 0.012, center.y + 0.006];
    for (const [collection, table, key] of [
      ["cameras", "cameras", "id"],
      ["cells", "cells", "code"],
      ["checkpoints", "checkpoints", "id"],
    ] as const) {
      const { features } = await allItems(
        commander,
        `/ogc/collections/${collection}/items?limit=500&bbox=${bbox.join(",")}`,
      );
      const expected = await ids(
        `SELECT ${key} AS k FROM ${table} WHERE ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))`,
        bbox,
      );
      expect(features.map((f) => String(f.id)).sort()).toEqual(expected);
      if (table === "cameras") expect(expected.length).toBeGreaterThan(0);
    }
  });

  it("bbox in EPSG:4326 (latitude first) and 6-number bboxes select the same features", async () => {
    const [a, b, c, d] = [center.x - 0.01, center.y - 0.008, center.x + 0.012, center.y + 0.006];
    const plain = await commander.get(
      `/ogc/collections/cameras/items?limit=1000&bbox=${[a, b, c, d].join(",")}`,
    );
    const latFirst = await commander.get(
      `/ogc/collections/cameras/items?limit=1000&bbox=${[b, a, d, c].join(",")}&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326`,
    );
    const withHeights = await commander.get(
      `/ogc/collections/cameras/items?limit=1000&bbox=${[a, b, -10, c, d, 100].join(",")}`,
    );
    expect(plain.body.numberMatched).toBeGreaterThan(0);
    expect(latFirst.body.features.map((f: Feature) => f.id)).toEqual(
      plain.body.features.map((f: Feature) => f.id),
    );
    expect(withHeights.body.features.map((f: Feature) => f.id)).toEqual(
      plain.body.features.map((f: Feature) => f.id),
    );
  });

  it("a bbox crossing the antimeridian covers both sides", async () => {
    // West edge 170°E, east edge just east of the district: everything west of that edge matches.
    const east = center.x;
    const res = await commander.get(`/ogc/collections/cameras/items?limit=10000&bbox=170,-89,${east},89`);
    expect(res.status).toBe(200);
    const expected = await ids("SELECT id AS k FROM cameras WHERE ST_X(geom) <= $1", [east]);
    expect(res.body.features.map((f: Feature) => f.id).sort()).toEqual(expected);
  });

  it("answers malformed bboxes with 400", async () => {
    for (const bad of ["1,2,3", "a,b,c,d", "1,2,3,4,5", "0,10,1,5", "0,-95,1,5", "1,2,,4"]) {
      const res = await commander.get(`/ogc/collections/cells/items?bbox=${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.details.problems[0].field).toBe("query.bbox");
    }
  });

  it("datetime: instants, closed and open intervals select by the collection's time", async () => {
    const pool = server.db.pool;
    const { rows } = await pool.query<{ id: string }>("SELECT id FROM checkpoints ORDER BY id LIMIT 4");
    const [k1, k2, k3, k4] = rows.map((r) => r.id) as [string, string, string, string];
    await pool.query("UPDATE checkpoints SET updated_at = '2030-01-01T00:00:00Z'");
    await pool.query(
      `UPDATE checkpoints SET updated_at = v.t FROM (VALUES ($1, '2020-03-01T10:00:00Z'::timestamptz), ($2, '2020-03-02T10:00:00Z'),
         ($3, '2020-03-03T10:00:00Z'), ($4, '2020-03-03T23:30:00+08:00')) AS v(id, t) WHERE checkpoints.id = v.id`,
      [k1, k2, k3, k4],
    );
    const select = async (datetime: string) => {
      const res = await commander.get(
        `/ogc/collections/checkpoints/items?limit=1000&datetime=${encodeURIComponent(datetime)}`,
      );
      expect(res.status, datetime).toBe(200);
      return (res.body.features as Feature[]).map((f) => f.id).sort();
    };
    expect(await select("2020-03-02T10:00:00Z")).toEqual([k2]);
    expect(await select("2020-03-02T18:00:00+08:00")).toEqual([k2]);
    expect(await select("2020-03-01T00:00:00Z/2020-03-02T10:00:00Z")).toEqual([k1, k2]);
    expect(await select("../2020-03-02T09:59:59Z")).toEqual([k1]);
    const total = (await ids("SELECT id AS k FROM checkpoints")).length;
    expect(await select("2020-03-03T00:00:00Z/..")).toHaveLength(total - 2);
    expect(await select("/2020-03-01T10:00:00Z")).toEqual([k1]);
    // A date covers its whole (UTC) day: k4 is 15:30 UTC on 3 March.
    expect(await select("2020-03-03")).toEqual([k3, k4].sort());
    expect(await select("../..")).toHaveLength(total);
  });

  it("answers malformed datetimes with 400", async () => {
    for (const bad of [
      "yesterday",
      "2020-13-01",
      "2020-02-30T00:00:00Z",
      "2020-03-02T10:00:00",
      "2020-03-05/2020-03-01",
      "a/b/c",
    ]) {
      const res = await commander.get(
        `/ogc/collections/checkpoints/items?datetime=${encodeURIComponent(bad)}`,
      );
      expect(res.status, bad).toBe(400);
      expect(res.body.error.details.problems[0].field).toBe("query.datetime");
    }
  });

  it("filters by queryables with equality and refuses unknown parameters", async () => {
    const res = await commander.get("/ogc/collections/checkpoints/items?grade=A&limit=1000");
    expect(res.status).toBe(200);
    expect(res.body.features.map((f: Feature) => f.id).sort()).toEqual(
      await ids("SELECT id AS k FROM checkpoints WHERE grade = 'A'"),
    );
    expect(res.body.numberMatched).toBe(res.body.features.length);
    expect(res.body.features.length).toBeGreaterThan(0);
    const next = await commander.get("/ogc/collections/cells/items?level=grid&limit=3");
    for (const l of next.body.links.filter((x: { rel: string }) => x.rel === "next"))
      expect(l.href).toContain("level=grid");
    expect((await commander.get("/ogc/collections/checkpoints/items?grade=Z")).status).toBe(400);
    const unknown = await commander.get("/ogc/collections/checkpoints/items?colour=red");
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/colour/);
  });
});

describe("one feature (/conf/core/f-op)", () => {
  it("returns the feature as GeoJSON with links; unknown or out-of-scope ids are 404", async () => {
    const res = await commander.get(`/ogc/collections/cells/items/${leaderGrid}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/geo\+json/);
    expect(res.body.id).toBe(leaderGrid);
    expect(res.body.geometry.type).toBe("MultiPolygon");
    expect(rels(res.body.links)).toEqual(expect.arrayContaining(["self", "collection"]));
    const missing = await commander.get("/ogc/collections/cells/items/999999999999999");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("feature_not_found");
    expect((await commander.get("/ogc/collections/incidents/items/not-a-number")).status).toBe(404);
  });
});

describe("scoping and authentication", () => {
  it("a grid leader sees only their cells and what lies in them", async () => {
    const cells = await allItems(leader, "/ogc/collections/cells/items?limit=1000");
    expect(cells.features.map((f) => f.id)).toEqual([leaderGrid]);
    const cameras = await allItems(leader, "/ogc/collections/cameras/items?limit=1000");
    expect(cameras.features.map((f) => String(f.id)).sort()).toEqual(
      await ids("SELECT id AS k FROM cameras WHERE cell_code = $1", [leaderGrid]),
    );
    const { rows } = await server.db.pool.query<{ code: string }>(
      "SELECT code FROM cells WHERE level = 'grid' AND code <> $1 LIMIT 1",
      [leaderGrid],
    );
    expect((await leader.get(`/ogc/collections/cells/items/${rows[0]!.code}`)).status).toBe(404);
  });

  it("an API token works with the same scoping", async () => {
    const admin = await TestClient.loggedIn(server.url, "admin", server.demoPassword);
    const created = await admin.post("/api/v1/tokens", {
      name: "qgis",
      permissions: ["cells:read", "cameras:read"],
      cellCodes: [leaderGrid],
    });
    expect(created.status).toBe(201);
    const bearer = { authorization: `Bearer ${created.body.token}` };
    const res = await anonymous.get("/ogc/collections", bearer);
    expect(res.body.collections.map((c: { id: string }) => c.id)).toEqual(["cells", "cameras"]);
    const items = await anonymous.get("/ogc/collections/cells/items", bearer);
    expect(items.body.features.map((f: Feature) => f.id)).toEqual([leaderGrid]);
    expect((await anonymous.get("/ogc/collections/checkpoints/items", bearer)).status).toBe(403);
  });
});

describe("CRS (Part 2 /conf/crs)", () => {
  it("returns coordinates in EPSG:3857, EPSG:4326 (lat first) and EPSG:4490 with Content-Crs", async () => {
    const { rows } = await server.db.pool.query<{ id: string; x: number; y: number; mx: number; my: number }>(
      "SELECT id, ST_X(geom) x, ST_Y(geom) y, ST_X(ST_Transform(geom, 3857)) mx, ST_Y(ST_Transform(geom, 3857)) my FROM cameras ORDER BY id LIMIT 1",
    );
    const cam = rows[0]!;
    const at = async (crs?: string) => {
      const res = await commander.get(`/ogc/collections/cameras/items/${cam.id}${crs ? `?crs=${crs}` : ""}`);
      expect(res.status).toBe(200);
      return {
        coords: res.body.geometry.coordinates as [number, number],
        header: res.headers.get("content-crs"),
      };
    };
    const crs84 = await at();
    expect(crs84.header).toBe("<http://www.opengis.net/def/crs/OGC/1.3/CRS84>");
    expect(crs84.coords[0]).toBeCloseTo(cam.x, 6);
    const merc = await at("http://www.opengis.net/def/crs/EPSG/0/3857");
    expect(merc.coords[0]).toBeCloseTo(cam.mx, 1);
    expect(merc.coords[1]).toBeCloseTo(cam.my, 1);
    const latLon = await at("http://www.opengis.net/def/crs/EPSG/0/4326");
    expect(latLon.coords).toEqual([crs84.coords[1], crs84.coords[0]]);
    const cgcs = await at("http://www.opengis.net/def/crs/EPSG/0/4490");
    expect(cgcs.header).toBe("<http://www.opengis.net/def/crs/EPSG/0/4490>");
    expect(cgcs.coords[0]).toBeCloseTo(cam.y, 5);
    expect(cgcs.coords[1]).toBeCloseTo(cam.x, 5);
    const bad = await commander.get(
      "/ogc/collections/cameras/items?crs=http://www.opengis.net/def/crs/EPSG/0/2000",
    );
    expect(bad.status).toBe(400);
  });

  it("a bbox in EPSG:3857 selects the same features as in CRS84", async () => {
    const bbox = [center.x - 0.01, center.y - 0.008, center.x + 0.012, center.y + 0.006];
    const { rows } = await server.db.pool.query<{ b: number[] }>(
      "SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)] AS b FROM (SELECT ST_Transform(ST_MakeEnvelope($1, $2, $3, $4, 4326), 3857) e) s",
      bbox,
    );
    const plain = await commander.get(`/ogc/collections/cameras/items?limit=1000&bbox=${bbox.join(",")}`);
    const merc = await commander.get(
      `/ogc/collections/cameras/items?limit=1000&bbox=${rows[0]!.b.join(",")}&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/3857`,
    );
    expect(merc.body.features.map((f: Feature) => f.id)).toEqual(
      plain.body.features.map((f: Feature) => f.id),
    );
  });
});
