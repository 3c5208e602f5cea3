import { healthStates } from "@gridops/camera-adapters/health/index";
import { z } from "zod";
import type { AppDeps } from "../../app-deps.js";
import { pagedGeoQuery, toPage } from "../../http/geojson.js";
import type { Policy, RouteRegistry } from "../../http/route.js";
import { importCameras } from "./camera-import.js";
import { discoverUnregistered, discoveryQuery, onboardBody, onboardCamera } from "./camera-onboarding.js";
import {
  cameraImportResponse,
  cameraPageResponse,
  cameraResponse,
  discoveryResponse,
  onboardResponse,
} from "./cameras.responses.js";
import { cameraIdParams, createCameraBody, importQuery, updateCameraBody } from "./cameras.schemas.js";
import { cameraCellOf, createCamera, deleteCamera, getCamera, updateCamera } from "./cameras.service.js";
import { selectCameraPage } from "./cameras.sql.js";

export function registerCameraRoutes(routes: RouteRegistry, deps: AppDeps): void {
  const cellOfCamera = async (params: unknown) => {
    const parsed = cameraIdParams.safeParse(params);
    return parsed.success ? cameraCellOf(deps.pool, parsed.data.id) : null;
  };
  /** Routes on one camera: the permission, in that camera's cell. */
  const onCamera = (permission: "cameras:read" | "cameras:edit"): Policy => ({
    access: "permission",
    permission,
    scope: { cellOf: (req) => cellOfCamera(req.params) },
  });

  routes.add({
    method: "get",
    path: "/api/v1/cameras",
    summary: "Cameras visible to the caller as GeoJSON (never credentials)",
    tags: ["cameras"],
    policy: { access: "permission", permission: "cameras:read", scope: "own-cells" },
    query: pagedGeoQuery.extend({ status: z.enum(healthStates).optional() }),
    response: cameraPageResponse,
    handler: async ({ query, auth }) =>
      toPage(await selectCameraPage(deps.pool, { ...query, scope: auth.cellCodes }), query.limit),
  });

  // Registered before /:id so "discovery" is not taken for a camera id.
  routes.add({
    method: "get",
    path: "/api/v1/cameras/discovery",
    summary: "ONVIF devices answering WS-Discovery that are not in the inventory yet",
    tags: ["cameras"],
    policy: { access: "permission", permission: "cameras:edit", scope: "global" },
    query: discoveryQuery,
    response: discoveryResponse,
    handler: ({ query }) => discoverUnregistered(deps, query),
  });

  routes.add({
    method: "post",
    path: "/api/v1/cameras",
    summary: "Add a camera to the inventory (409 duplicate_camera names an existing one)",
    tags: ["cameras"],
    // The cell follows from the body's location, parsed after the policy: the service checks scope.
    policy: { access: "permission", permission: "cameras:edit", scope: "own-cells" },
    body: createCameraBody,
    status: 201,
    response: cameraResponse,
    handler: ({ req, body, auth }) => createCamera(deps, req, auth, body),
  });

  routes.add({
    method: "post",
    path: "/api/v1/cameras/import",
    summary:
      "Bulk import from CSV or GeoJSON: dry_run=true reports problems, dry_run=false applies all or nothing",
    tags: ["cameras"],
    policy: { access: "permission", permission: "cameras:edit", scope: "own-cells" },
    query: importQuery,
    rawBody: { limit: "20mb", types: ["text/csv", "application/geo+json", "application/json", "text/plain"] },
    response: cameraImportResponse,
    handler: ({ req, query, auth }) =>
      importCameras(
        deps,
        auth,
        { requestId: req.id, ip: req.ip ?? null },
        query.format,
        Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        query.dry_run,
      ),
  });

  routes.add({
    method: "get",
    path: "/api/v1/cameras/:id",
    summary: "One camera's inventory record (has_credentials only, never the credentials)",
    tags: ["cameras"],
    policy: onCamera("cameras:read"),
    params: cameraIdParams,
    response: cameraResponse,
    handler: ({ params, auth }) => getCamera(deps.pool, auth, params.id),
  });

  routes.add({
    method: "patch",
    path: "/api/v1/cameras/:id",
    summary: "Change a camera; credentials are write-only, null clears",
    tags: ["cameras"],
    policy: onCamera("cameras:edit"),
    params: cameraIdParams,
    body: updateCameraBody,
    response: cameraResponse,
    handler: async ({ req, params, body, auth }) => {
      await getCamera(deps.pool, auth, params.id);
      return updateCamera(deps, req, auth, params.id, body);
    },
  });

  routes.add({
    method: "delete",
    path: "/api/v1/cameras/:id",
    summary: "Remove a camera that no incident or ticket refers to",
    tags: ["cameras"],
    policy: onCamera("cameras:edit"),
    params: cameraIdParams,
    status: 204,
    handler: async ({ req, res, params, auth }) => {
      await getCamera(deps.pool, auth, params.id);
      await deleteCamera(deps, req, auth, params.id);
      res.status(204).end();
    },
  });

  routes.add({
    method: "post",
    path: "/api/v1/cameras/:id/onboard",
    summary:
      "Run ONVIF onboarding: fills vendor, model, firmware, serial, MAC, profiles and the clock offset",
    tags: ["cameras"],
    policy: onCamera("cameras:edit"),
    params: cameraIdParams,
    body: onboardBody,
    response: onboardResponse,
    handler: async ({ req, params, body, auth }) => {
      await getCamera(deps.pool, auth, params.id);
      return onboardCamera(deps, req, auth, params.id, body);
    },
  });
}
