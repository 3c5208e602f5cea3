import type { Request } from "express";
import type { Queryable } from "../../db/pool.js";
import { AppError, badRequest, notFound } from "../../http/errors.js";
import type { AuthContext } from "../auth/auth-context.js";
import { type CollectionDef, collections, type Lang } from "./ogc.collections.js";
import { CRS84, type CrsDef, supportedCrs } from "./ogc.crs.js";
import { DEFAULT_LIMIT, type Envelope, envelopeOf, type ItemsQuery, OgcInputError } from "./ogc.schemas.js";
import { countItems, selectExtent, selectItem, selectItemsPage, tableExists } from "./ogc.sql.js";

export const GEOJSON = "application/geo+json";
export const JSON_TYPE = "application/json";

export const conformanceClasses = [
  "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
  "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
  "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
  "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
  "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
] as const;

export interface Link {
  href: string;
  rel: string;
  type?: string;
  title?: string;
}

/** Behind a proxy (GRIDOPS_TRUST_PROXY), X-Forwarded-Proto/Host give the address clients used. */
export const baseUrl = (req: Request) => `${req.protocol}://${req.host}`;

export function languageOf(req: Request, fallback: Lang): Lang {
  const chosen = req.acceptsLanguages("zh-CN", "zh", "en");
  if (chosen === "en") return "en";
  if (chosen === "zh-CN" || chosen === "zh") return "zh-CN";
  return fallback;
}

export function landingPage(base: string, lang: Lang) {
  const ogc = `${base}/ogc`;
  return {
    title:
      lang === "en" ? "GridOps OGC API – Features" : "GridOps OGC API – Features（网格、卡口、摄像机、事件）",
    description:
      lang === "en"
        ? "Grid cells, checkpoints, cameras and incidents as OGC API – Features, scoped to the caller's cells."
        : "以 OGC API – Features 提供网格、卡口、摄像机与事件，按调用者负责的网格过滤。",
    links: [
      { href: ogc, rel: "self", type: JSON_TYPE, title: "This document" },
      {
        href: `${base}/api/openapi.json`,
        rel: "service-desc",
        type: "application/vnd.oai.openapi+json;version=3.1",
        title: "API definition (OpenAPI 3.1)",
      },
      { href: `${base}/api/docs`, rel: "service-doc", type: "text/html", title: "API documentation" },
      { href: `${ogc}/conformance`, rel: "conformance", type: JSON_TYPE, title: "Conformance classes" },
      { href: `${ogc}/collections`, rel: "data", type: JSON_TYPE, title: "Collections" },
    ] satisfies Link[],
  };
}

/** Collections whose permission the caller holds and whose table exists. */
export async function visibleCollections(db: Queryable, auth: AuthContext): Promise<CollectionDef[]> {
  const out: CollectionDef[] = [];
  for (const c of collections) {
    if (!auth.permissions.has(c.permission)) continue;
    if (c.requiresTable && !(await tableExists(db, c.requiresTable))) continue;
    out.push(c);
  }
  return out;
}

export async function assertServed(db: Queryable, c: CollectionDef): Promise<void> {
  if (c.requiresTable && !(await tableExists(db, c.requiresTable))) throw notFound("Collection", c.id);
}

export async function describeCollection(
  db: Queryable,
  c: CollectionDef,
  auth: AuthContext,
  base: string,
  lang: Lang,
) {
  const self = `${base}/ogc/collections/${c.id}`;
  const extent = await selectExtent(db, c, auth.cellCodes);
  return {
    id: c.id,
    title: c.title[lang],
    description: c.description[lang],
    itemType: "feature",
    links: [
      { href: self, rel: "self", type: JSON_TYPE, title: c.title[lang] },
      { href: `${self}/items`, rel: "items", type: GEOJSON, title: c.title[lang] },
      {
        href: `${self}/queryables`,
        rel: "http://www.opengis.net/def/rel/ogc/1.0/queryables",
        type: "application/schema+json",
        title: "Queryables",
      },
    ] satisfies Link[],
    extent: {
      spatial: { bbox: extent.bbox ? [extent.bbox] : [[-180, -90, 180, 90]], crs: CRS84 },
      temporal: {
        interval: [extent.interval],
        trs: "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
        description: c.timeDescription,
      },
    },
    crs: supportedCrs.map((s) => s.uri),
    storageCrs: CRS84,
  };
}

export function queryablesOf(c: CollectionDef, base: string, lang: Lang) {
  const properties: Record<string, unknown> = {
    geometry: { $ref: "https://geojson.org/schema/Geometry.json" },
  };
  for (const [name, q] of Object.entries(c.queryables)) {
    properties[name] = { title: q.title[lang], type: q.type, ...(q.enum ? { enum: q.enum } : {}) };
  }
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: `${base}/ogc/collections/${c.id}/queryables`,
    type: "object",
    title: c.title[lang],
    properties,
    additionalProperties: false,
  };
}

/** Throws the input error as a 400 naming the parameter. */
function envelopeFor(query: ItemsQuery): Envelope | undefined {
  if (!query.bbox) return undefined;
  try {
    return envelopeOf(query.bbox, query["bbox-crs"] ?? supportedCrs[0]!);
  } catch (error) {
    if (error instanceof OgcInputError)
      throw badRequest("invalid_query", `query.${error.field}: ${error.message}`, {
        problems: [{ field: `query.${error.field}`, message: error.message }],
      });
    throw error;
  }
}

export interface ItemsResponse {
  body: string;
  crs: CrsDef;
}

export async function itemsPage(
  db: Queryable,
  c: CollectionDef,
  auth: AuthContext,
  query: ItemsQuery,
  req: Request,
): Promise<ItemsResponse> {
  const crs = query.crs ?? supportedCrs[0]!;
  const limit = query.limit ?? DEFAULT_LIMIT;
  const offset = query.offset ?? 0;
  const equals: Record<string, string> = {};
  for (const name of Object.keys(c.queryables)) {
    const value = query[name];
    if (typeof value === "string") equals[name] = value;
  }
  const filter = { scope: auth.cellCodes, envelope: envelopeFor(query), time: query.datetime, equals };
  const [page, matched] = await Promise.all([
    selectItemsPage(db, c, filter, { limit, offset, crs }),
    countItems(db, c, filter),
  ]);
  const links = pageLinks(`${baseUrl(req)}/ogc/collections/${c.id}/items`, req, {
    limit,
    offset,
    returned: page.returned,
    matched,
  });
  const meta = {
    numberMatched: matched,
    numberReturned: page.returned,
    timeStamp: new Date().toISOString(),
    links,
  };
  // The features array comes from PostgreSQL as JSON text; splicing it avoids a parse and re-serialise.
  const body = `{"type":"FeatureCollection","features":${page.featuresJson},${JSON.stringify(meta).slice(1)}`;
  return { body, crs };
}

function pageLinks(
  itemsUrl: string,
  req: Request,
  p: { limit: number; offset: number; returned: number; matched: number },
): Link[] {
  const given = new URLSearchParams(req.url.split("?")[1] ?? "");
  const withOffset = (offset: number) => {
    const q = new URLSearchParams(given);
    q.set("limit", String(p.limit));
    if (offset > 0) q.set("offset", String(offset));
    else q.delete("offset");
    return `${itemsUrl}?${q.toString()}`;
  };
  const links: Link[] = [
    { href: withOffset(p.offset), rel: "self", type: GEOJSON, title: "This page" },
    { href: itemsUrl.replace(/\/items$/, ""), rel: "collection", type: JSON_TYPE, title: "The collection" },
  ];
  if (p.offset + p.returned < p.matched)
    links.push({ href: withOffset(p.offset + p.limit), rel: "next", type: GEOJSON, title: "Next page" });
  if (p.offset > 0)
    links.push({
      href: withOffset(Math.max(0, p.offset - p.limit)),
      rel: "prev",
      type: GEOJSON,
      title: "Previous page",
    });
  return links;
}

export async function oneItem(
  db: Queryable,
  c: CollectionDef,
  auth: AuthContext,
  featureId: string,
  crs: CrsDef,
  base: string,
) {
  const feature = (await selectItem(db, c, auth.cellCodes, featureId, crs)) as Record<string, unknown> | null;
  if (!feature)
    throw new AppError(
      404,
      "feature_not_found",
      `Feature ${JSON.stringify(featureId)} does not exist in ${c.id} or is not visible to you.`,
    );
  const self = `${base}/ogc/collections/${c.id}/items/${encodeURIComponent(featureId)}`;
  return {
    ...feature,
    links: [
      { href: self, rel: "self", type: GEOJSON },
      { href: `${base}/ogc/collections/${c.id}`, rel: "collection", type: JSON_TYPE },
    ] satisfies Link[],
  };
}
