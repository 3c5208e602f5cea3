import type { RequestHandler } from "express";
import type { Queryable } from "../../db/pool.js";
import { AppError, unauthenticated } from "../../http/errors.js";
import { authFromBearerToken, authFromSessionCookie, csrfMatches } from "./auth.service.js";

export const SESSION_COOKIE = "gridops_session";
export const CSRF_COOKIE = "gridops_csrf";
export const CSRF_HEADER = "x-csrf-token";

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq < 1) continue;
    const name = part.slice(0, eq).trim();
    try {
      out[name] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // A malformed cookie value is ignored rather than failing the request.
    }
  }
  return out;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Resolves req.auth from `Authorization: Bearer gto_…` or the session cookie. A bad token
 * is an error (the caller meant to authenticate); no credentials leaves req.auth unset and
 * each route's policy decides. Cookie-authenticated writes must echo the CSRF token.
 */
export function resolveAuth(db: Queryable): RequestHandler {
  return async (req, _res, next) => {
    const authorization = req.headers.authorization;
    if (authorization) {
      const [scheme, value] = authorization.split(" ", 2);
      if (scheme?.toLowerCase() === "bearer" && value) {
        const auth = await authFromBearerToken(db, value.trim());
        if (!auth) throw unauthenticated("The API token is invalid, expired or revoked.");
        req.auth = auth;
        return next();
      }
    }
    const sessionId = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    if (sessionId) {
      const auth = await authFromSessionCookie(db, sessionId);
      if (auth) {
        if (!SAFE_METHODS.has(req.method) && !csrfMatches(auth, req.get(CSRF_HEADER))) {
          throw new AppError(
            403,
            "csrf_failed",
            `Missing or wrong ${CSRF_HEADER} header: reload the page and try again.`,
          );
        }
        req.auth = auth;
      }
    }
    next();
  };
}
