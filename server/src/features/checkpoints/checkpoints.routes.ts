import { z } from "zod";
import type { AppDeps } from "../../app-deps.js";
import { badRequest, notFound } from "../../http/errors.js";
import { pagedGeoQuery, toPage } from "../../http/geojson.js";
import type { RouteRegistry } from "../../http/route.js";
import {
  checkpointFlowResponse,
  checkpointPageResponse,
  silenceAlertsResponse,
} from "./checkpoints.responses.js";
import { selectCheckpointPage } from "./checkpoints.sql.js";
import { checkpointFlow } from "./flow.service.js";
import { selectCheckpointCell, selectOpenAlerts } from "./flow.sql.js";

export function registerCheckpointRoutes(routes: RouteRegistry, deps: AppDeps): void {
  routes.add({
    method: "get",
    path: "/api/v1/checkpoints",
    summary: "Checkpoints (graded A/B/C, with lanes) visible to the caller as GeoJSON",
    tags: ["checkpoints"],
    policy: { access: "permission", permission: "checkpoints:read", scope: "own-cells" },
    query: pagedGeoQuery.extend({ grade: z.enum(["A", "B", "C"]).optional() }),
    response: checkpointPageResponse,
    handler: async ({ query, auth }) =>
      toPage(await selectCheckpointPage(deps.pool, { ...query, scope: auth.cellCodes }), query.limit),
  });

  routes.add({
    method: "get",
    path: "/api/v1/checkpoints/:id/flow",
    summary: "Vehicles per checkpoint and lane in 5, 15 or 60-minute buckets (counts only)",
    tags: ["checkpoints"],
    policy: {
      access: "permission",
      permission: "plates:counts",
      scope: {
        cellOf: async (req) =>
          (await selectCheckpointCell(deps.pool, String(req.params.id ?? "")))?.cell_code ?? null,
      },
    },
    params: z.strictObject({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }),
    query: z.strictObject({
      bucket: z.enum(["5", "15", "60"]).default("15"),
      from: z.coerce.date().optional(),
      to: z.coerce.date().optional(),
    }),
    response: checkpointFlowResponse,
    handler: async ({ params, query }) => {
      if (!(await selectCheckpointCell(deps.pool, params.id))) throw notFound("Checkpoint", params.id);
      const to = query.to ?? new Date();
      const from = query.from ?? new Date(to.getTime() - 24 * 3600_000);
      if (!(from < to) || to.getTime() - from.getTime() > 31 * 86_400_000) {
        throw badRequest("invalid_time_range", "from must be before to, at most 31 days apart.", {
          field: "from",
        });
      }
      return checkpointFlow(deps.pool, {
        checkpointId: params.id,
        from,
        to,
        bucketMinutes: Number(query.bucket) as 5 | 15 | 60,
      });
    },
  });

  routes.add({
    method: "get",
    path: "/api/v1/checkpoints/silence-alerts",
    summary: "Open silent-lane alerts (a lane with no traffic when its hour-of-week baseline expects some)",
    tags: ["checkpoints"],
    policy: { access: "permission", permission: "checkpoints:read", scope: "own-cells" },
    response: silenceAlertsResponse,
    handler: async ({ auth }) => ({
      alerts: (await selectOpenAlerts(deps.pool, auth.cellCodes)).map((a) => ({
        id: a.id,
        checkpointId: a.checkpoint_id,
        lane: a.lane,
        silentSince: a.silent_since.toISOString(),
        expectedVehicles: Math.round(a.expected_vehicles * 10) / 10,
        raisedAt: a.raised_at.toISOString(),
        incidentId: a.incident_id,
      })),
    }),
  });
}
