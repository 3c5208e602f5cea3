import { z } from "zod";
import type { AppDeps } from "../../app-deps.js";
import { AppError } from "../../http/errors.js";
import type { RouteRegistry } from "../../http/route.js";
import { type CollectionDef, collections } from "./ogc.collections.js";
import { supportedCrs } from "./ogc.crs.js";
import {
  ogcCollectionResponse,
  ogcCollectionsResponse,
  ogcConformanceResponse,
  ogcLandingResponse,
} from "./ogc.responses.js";
import {
  collectionIdParams,
  featureIdParams,
  featureQuery,
  itemsQueryBase,
  metadataQuery,
  sqlText,
  unknownItemParams,
} from "./ogc.schemas.js";
import {
  assertServed,
  baseUrl,
  conformanceClasses,
  describeCollection,
  GEOJSON,
  itemsPage,
  landingPage,
  languageOf,
  oneItem,
  queryablesOf,
  visibleCollections,
} from "./ogc.service.js";

const tags = ["ogc"];

const unknownCollection = (id: string) =>
  new AppError(
    404,
    "collection_not_found",
    `There is no collection ${JSON.stringify(id)}; GET /ogc/collections lists them.`,
  );

/** The items query of one collection: the fixed OGC parameters plus its queryables. */
function itemsQueryOf(c: CollectionDef) {
  const extra: Record<string, z.ZodOptional<z.ZodType<string>>> = {};
  for (const [name, q] of Object.entries(c.queryables)) {
    extra[name] = (q.enum ? z.enum(q.enum as [string, ...string[]]) : sqlText(200)).optional();
  }
  return itemsQueryBase.extend(extra);
}

/** OGC API – Features (Part 1 Core + GeoJSON, Part 2 CRS) at /ogc; see docs/interop.md. */
export function registerOgcRoutes(routes: RouteRegistry, deps: AppDeps): void {
  const lang = (req: Parameters<typeof languageOf>[0]) => languageOf(req, deps.config.defaultLanguage);
  routes.add({
    method: "get",
    path: "/ogc",
    summary: "OGC API – Features landing page (links to the API definition, conformance and collections)",
    tags,
    policy: { access: "public", why: "OGC clients discover the API here; it lists links only, no data" },
    query: metadataQuery,
    response: ogcLandingResponse,
    handler: ({ req }) => landingPage(baseUrl(req), lang(req)),
  });
  routes.add({
    method: "get",
    path: "/ogc/conformance",
    summary: "OGC API – Features conformance classes implemented",
    tags,
    policy: {
      access: "public",
      why: "OGC clients check conformance before logging in; it names standards only",
    },
    query: metadataQuery,
    response: ogcConformanceResponse,
    handler: () => ({ conformsTo: conformanceClasses }),
  });
  routes.add({
    method: "get",
    path: "/ogc/collections",
    summary: "OGC feature collections the caller may read, with their extents (scoped to the caller's cells)",
    tags,
    policy: { access: "authenticated" },
    query: metadataQuery,
    response: ogcCollectionsResponse,
    handler: async ({ req, auth }) => {
      const base = baseUrl(req);
      const visible = await visibleCollections(deps.pool, auth);
      return {
        links: [{ href: `${base}/ogc/collections`, rel: "self", type: "application/json" }],
        collections: await Promise.all(
          visible.map((c) => describeCollection(deps.pool, c, auth, base, lang(req))),
        ),
      };
    },
  });
  for (const c of collections) registerCollection(routes, deps, c, lang);
  registerUnknownCollection(routes);
}

function registerCollection(
  routes: RouteRegistry,
  deps: AppDeps,
  c: CollectionDef,
  lang: (req: Parameters<typeof languageOf>[0]) => "zh-CN" | "en",
): void {
  const policy = { access: "permission", permission: c.permission, scope: "own-cells" } as const;
  const path = `/ogc/collections/${c.id}`;
  routes.add({
    method: "get",
    path,
    summary: `OGC collection "${c.id}": metadata with spatial and temporal extent`,
    tags,
    policy,
    query: metadataQuery,
    response: ogcCollectionResponse,
    handler: async ({ req, auth }) => {
      await assertServed(deps.pool, c);
      return describeCollection(deps.pool, c, auth, baseUrl(req), lang(req));
    },
  });
  routes.add({
    method: "get",
    path: `${path}/queryables`,
    summary: `OGC collection "${c.id}": properties usable as equality filters on items`,
    tags,
    policy,
    query: metadataQuery,
    handler: async ({ req, res }) => {
      await assertServed(deps.pool, c);
      res.type("application/schema+json").send(JSON.stringify(queryablesOf(c, baseUrl(req), lang(req))));
    },
  });
  routes.add({
    method: "get",
    path: `${path}/items`,
    summary: `OGC collection "${c.id}": features as GeoJSON (limit/offset paging, bbox, datetime, crs, property filters)`,
    tags,
    policy,
    query: itemsQueryOf(c),
    handler: async ({ req, res, query, auth }) => {
      await assertServed(deps.pool, c);
      const page = await itemsPage(deps.pool, c, auth, query, req);
      res.status(200).type(GEOJSON).set("Content-Crs", `<${page.crs.uri}>`).send(page.body);
    },
  });
  routes.add({
    method: "get",
    path: `${path}/items/:featureId`,
    summary: `OGC collection "${c.id}": one feature as GeoJSON`,
    tags,
    policy,
    params: featureIdParams,
    query: featureQuery,
    handler: async ({ req, res, params, query, auth }) => {
      await assertServed(deps.pool, c);
      const crs = query.crs ?? supportedCrs[0]!;
      const feature = await oneItem(deps.pool, c, auth, params.featureId, crs, baseUrl(req));
      res.status(200).type(GEOJSON).set("Content-Crs", `<${crs.uri}>`).send(JSON.stringify(feature));
    },
  });
}

/** Collection ids we do not serve get a clear 404 (registered after the real ones). */
function registerUnknownCollection(routes: RouteRegistry): void {
  const policy = { access: "authenticated" } as const;
  for (const suffix of ["", "/items", "/queryables"]) {
    routes.add({
      method: "get",
      path: `/ogc/collections/:collectionId${suffix}`,
      summary: "Unknown OGC collection (always 404)",
      tags,
      policy,
      params: collectionIdParams,
      handler: ({ params }) => {
        throw unknownCollection(params.collectionId);
      },
    });
  }
  routes.add({
    method: "get",
    path: "/ogc/collections/:collectionId/items/:featureId",
    summary: "Feature of an unknown OGC collection (always 404)",
    tags,
    policy,
    params: unknownItemParams,
    handler: ({ params }) => {
      throw unknownCollection(params.collectionId);
    },
  });
}
