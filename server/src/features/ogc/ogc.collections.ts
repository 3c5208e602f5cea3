import type { Permission } from "../auth/permissions.js";

export type Lang = "zh-CN" | "en";

export interface Queryable {
  /** SQL column compared (as text) with the query parameter's value. */
  column: string;
  type: "string" | "integer";
  enum?: readonly string[];
  title: Record<Lang, string>;
}

/**
 * One OGC collection over a GridOps table. Every SQL fragment uses the alias declared in
 * `from`; `$1` is always the caller's cell codes (the same scoping as the GeoJSON API).
 */
export interface CollectionDef {
  id: "cells" | "checkpoints" | "cameras" | "incidents";
  title: Record<Lang, string>;
  description: Record<Lang, string>;
  permission: Permission;
  from: string;
  where: string;
  key: string;
  keyType: "text" | "bigint";
  geom: string;
  /** The feature's instant for `datetime` filters and the temporal extent. */
  time: string;
  timeDescription: string;
  properties: string;
  queryables: Record<string, Queryable>;
  /** Served only while this table exists (a feature not yet migrated). */
  requiresTable?: string;
}

const scopeByCell = (column: string) =>
  `(EXISTS (SELECT 1 FROM cells sc WHERE sc.code = ${column} AND sc.path && $1::text[])
    OR (${column} IS NULL AND EXISTS (SELECT 1 FROM cells d WHERE d.code = ANY($1::text[]) AND d.level = 'district')))`;

const cellCodeQueryable: Queryable = {
  column: "",
  type: "string",
  title: { "zh-CN": "网格编码", en: "Cell code" },
};

export const collections: readonly CollectionDef[] = [
  {
    id: "cells",
    title: { "zh-CN": "网格", en: "Grid cells" },
    description: {
      "zh-CN": "当前有效的网格（区、街道、社区、网格），限于您负责的范围",
      en: "Current grid cells (district, street, community, grid) within the cells assigned to you",
    },
    permission: "cells:read",
    from: "cells c",
    where: "c.retired_at IS NULL AND c.path && $1::text[]",
    key: "c.code",
    keyType: "text",
    geom: "c.geom",
    time: "c.updated_at",
    timeDescription: "updated_at: when the cell's current version was saved",
    properties: `json_build_object('code', c.code, 'name', c.name, 'name_en', c.name_en, 'level', c.level,
      'parent_code', c.parent_code, 'version', c.version, 'updated_at', c.updated_at)`,
    queryables: {
      level: {
        column: "c.level",
        type: "string",
        enum: ["district", "street", "community", "grid"],
        title: { "zh-CN": "层级", en: "Level" },
      },
      parent_code: {
        column: "c.parent_code",
        type: "string",
        title: { "zh-CN": "上级网格编码", en: "Parent cell code" },
      },
    },
  },
  {
    id: "checkpoints",
    title: { "zh-CN": "卡口", en: "Checkpoints" },
    description: {
      "zh-CN": "道路卡口（A/B/C 级），限于您负责的网格",
      en: "Road checkpoints (grades A/B/C) within the cells assigned to you",
    },
    permission: "checkpoints:read",
    from: "checkpoints k",
    where: scopeByCell("k.cell_code"),
    key: "k.id",
    keyType: "text",
    geom: "k.geom",
    time: "k.updated_at",
    timeDescription: "updated_at: when the checkpoint was last changed",
    properties: `json_build_object('id', k.id, 'name', k.name, 'name_en', k.name_en, 'grade', k.grade,
      'road', k.road, 'direction', k.direction, 'cell_code', k.cell_code, 'updated_at', k.updated_at)`,
    queryables: {
      grade: {
        column: "k.grade",
        type: "string",
        enum: ["A", "B", "C"],
        title: { "zh-CN": "等级", en: "Grade" },
      },
      road: { column: "k.road", type: "string", title: { "zh-CN": "道路", en: "Road" } },
      direction: {
        column: "k.direction",
        type: "string",
        enum: ["northbound", "southbound", "eastbound", "westbound", "both"],
        title: { "zh-CN": "方向", en: "Direction" },
      },
      cell_code: { ...cellCodeQueryable, column: "k.cell_code" },
    },
  },
  {
    id: "cameras",
    title: { "zh-CN": "摄像机", en: "Cameras" },
    description: {
      "zh-CN": "摄像机点位及在线状态（不含账号密码与设备地址），限于您负责的网格",
      en: "Camera inventory and health (never credentials or device addresses) within the cells assigned to you",
    },
    permission: "cameras:read",
    from: "cameras m",
    where: scopeByCell("m.cell_code"),
    key: "m.id",
    keyType: "text",
    geom: "m.geom",
    time: "m.status_since",
    timeDescription: "status_since: when the camera entered its current health state",
    // Deliberately no credentials_enc, onvif_address, serial or MAC: this collection is for maps.
    properties: `json_build_object('id', m.id, 'name', m.name, 'vendor', m.vendor, 'model', m.model,
      'bearing', m.bearing, 'fov_deg', m.fov_deg, 'range_m', m.range_m, 'checkpoint_id', m.checkpoint_id,
      'lane', m.lane, 'cell_code', m.cell_code, 'status', m.status, 'status_since', m.status_since)`,
    queryables: {
      status: {
        column: "m.status",
        type: "string",
        enum: [
          "online",
          "degraded",
          "offline",
          "auth_failed",
          "no_video",
          "tampered",
          "maintenance",
          "unknown",
        ],
        title: { "zh-CN": "健康状态", en: "Health state" },
      },
      vendor: { column: "m.vendor", type: "string", title: { "zh-CN": "厂商", en: "Vendor" } },
      checkpoint_id: {
        column: "m.checkpoint_id",
        type: "string",
        title: { "zh-CN": "卡口", en: "Checkpoint" },
      },
      cell_code: { ...cellCodeQueryable, column: "m.cell_code" },
    },
  },
  {
    id: "incidents",
    title: { "zh-CN": "事件", en: "Incidents" },
    description: {
      "zh-CN": "事件（位置、类别、状态），限于您负责的网格",
      en: "Incidents (location, category, state) within the cells assigned to you",
    },
    permission: "incidents:read",
    from: "incidents i",
    where: "EXISTS (SELECT 1 FROM cells sc WHERE sc.code = i.cell_code AND sc.path && $1::text[])",
    key: "i.id",
    keyType: "bigint",
    geom: "i.geom",
    time: "i.reported_at",
    timeDescription: "reported_at: when the incident was reported",
    properties: `json_build_object('id', i.id, 'category', i.category_code, 'source', i.source,
      'priority', i.priority, 'state', i.state, 'description', i.description, 'cell_code', i.cell_code,
      'reported_at', i.reported_at, 'updated_at', i.updated_at, 'closed_at', i.closed_at)`,
    queryables: {
      state: {
        column: "i.state",
        type: "string",
        enum: [
          "reported",
          "registered",
          "dispatched",
          "in_progress",
          "fed_back",
          "verified",
          "closed",
          "returned",
          "suspended",
          "voided",
        ],
        title: { "zh-CN": "状态", en: "State" },
      },
      category: { column: "i.category_code", type: "string", title: { "zh-CN": "类别", en: "Category" } },
      priority: {
        column: "i.priority",
        type: "string",
        enum: ["low", "normal", "high", "urgent"],
        title: { "zh-CN": "优先级", en: "Priority" },
      },
      source: { column: "i.source", type: "string", title: { "zh-CN": "来源", en: "Source" } },
      cell_code: { ...cellCodeQueryable, column: "i.cell_code" },
    },
    requiresTable: "incidents",
  },
];

export const collectionById = (id: string) => collections.find((c) => c.id === id);
