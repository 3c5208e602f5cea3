/** Codes the client itself produces when no `{error:{code}}` body came back. */
export type ClientErrorCode = "network_error" | "invalid_response" | "http_error";

/** Any failed API call: the server's `{error:{code,message,details}}`, or a client-side failure. */
export class ApiError extends Error {
  override readonly name = "ApiError";

  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details: Readonly<Record<string, unknown>> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}
