import { describe, expect, it } from "vitest";
import { GridOpsApi } from "./gridops-api.js";

const cell = (code: string) => ({
  type: "Feature",
  id: code,
  geometry: {
    type: "MultiPolygon",
    coordinates: [
      [
        [
          [120, 30],
          [120.1, 30],
          [120.1, 30.1],
          [120, 30],
        ],
      ],
    ],
  },
  properties: { code, name: `网格${code}`, name_en: null, level: "grid", parent_code: "330199001002000" },
});

// A two-page /api/v1/cells answering like the server's contract (FeatureCollection + next_cursor).
function pagedCells(urls: string[]) {
  return (async (input: RequestInfo | URL) => {
    const url = new URL(String(input), "http://gridops.test");
    urls.push(url.pathname + url.search);
    const second = url.searchParams.get("cursor") === "p2";
    const body = {
      type: "FeatureCollection",
      features: second ? [cell("3")] : [cell("1"), cell("2")],
      next_cursor: second ? null : "p2",
    };
    return new Response(JSON.stringify(body), { status: 200 });
  }) as typeof fetch;
}

describe("GridOpsApi.cells", () => {
  it("asks for the largest page, follows the cursor and returns one FeatureCollection", async () => {
    const urls: string[] = [];
    const api = new GridOpsApi({ fetch: pagedCells(urls), cookies: () => "" });
    const cells = await api.cells([120, 30, 120.5, 30.5]);
    expect(cells.features.map((f) => f.properties.code)).toEqual(["1", "2", "3"]);
    expect(urls).toEqual([
      "/api/v1/cells?bbox=120%2C30%2C120.5%2C30.5&limit=5000",
      "/api/v1/cells?bbox=120%2C30%2C120.5%2C30.5&limit=5000&cursor=p2",
    ]);
  });

  it("rejects a feature whose geometry is not a polygon", async () => {
    const bad = (async () =>
      new Response(
        JSON.stringify({
          type: "FeatureCollection",
          features: [{ ...cell("1"), geometry: { type: "Point", coordinates: [1, 2] } }],
          next_cursor: null,
        }),
      )) as typeof fetch;
    await expect(new GridOpsApi({ fetch: bad }).cells()).rejects.toMatchObject({ code: "invalid_response" });
  });
});

describe("GridOpsApi.login", () => {
  it("parses the session body", async () => {
    const fetchFn = (async () =>
      new Response(
        JSON.stringify({
          user: { id: "u1", username: "commander", displayName: "指挥长" },
          roles: ["commander"],
          permissions: ["cells:read"],
          cells: ["330199000000000"],
        }),
      )) as typeof fetch;
    const session = await new GridOpsApi({ fetch: fetchFn }).login({ username: "commander", password: "x" });
    expect(session.user.displayName).toBe("指挥长");
    expect(session.cells).toEqual(["330199000000000"]);
  });
});
