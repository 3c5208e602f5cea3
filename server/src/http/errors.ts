import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "../logger.js";

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** A failure the client caused or may act on: mapped to `{error:{code,message,details}}`. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "AppError";
  }
}

export const badRequest = (code: string, message: string, details?: unknown) =>
  new AppError(400, code, message, details);
export const notFound = (what: string, id: string) =>
  new AppError(404, "not_found", `${what} ${JSON.stringify(id)} does not exist or is not visible to you.`);
export const conflict = (code: string, message: string, details?: unknown) =>
  new AppError(409, code, message, details);
export const unauthenticated = (message = "Log in first.") => new AppError(401, "unauthenticated", message);
export const forbidden = (message: string) => new AppError(403, "forbidden", message);

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError(404, "route_not_found", `No route ${req.method} ${req.path}.`));
};

/** body-parser and similar raise errors carrying `status` and `type`; map them to stable codes. */
function fromHttpError(err: { status?: number; statusCode?: number; type?: string; message?: string }): AppError | null {
  const status = err.status ?? err.statusCode;
  if (typeof status !== "number" || status < 400 || status >= 500) return null;
  const codes: Record<string, [string, string]> = {
    "entity.parse.failed": ["malformed_json", "The request body is not valid JSON."],
    "entity.too.large": ["body_too_large", "The request body is larger than this endpoint accepts."],
    "encoding.unsupported": ["unsupported_encoding", "The request body's encoding is not supported."],
    "charset.unsupported": ["unsupported_charset", "The request body's charset is not supported."],
  };
  const [code, message] = codes[err.type ?? ""] ?? ["bad_request", err.message ?? "Bad request."];
  return new AppError(status, code, message);
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const known =
      err instanceof AppError ? err : fromHttpError(err as Parameters<typeof fromHttpError>[0]);
    if (known) {
      if (known.status >= 500) log.error({ err, requestId: req.id }, "request failed");
      res.status(known.status).json(bodyOf(known));
      return;
    }
    log.error({ err, requestId: req.id, method: req.method, path: req.path }, "unhandled error");
    res.status(500).json({
      error: { code: "internal_error", message: `Something went wrong on our side (request ${req.id}).` },
    } satisfies ErrorBody);
  };
}

export function bodyOf(error: AppError): ErrorBody {
  return {
    error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) },
  };
}
