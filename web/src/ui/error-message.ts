import { isApiError } from "../api/errors.js";
import { isMessageKey, type Translate } from "../i18n/i18n.js";

/**
 * The text to show for a failed call: our own translation when we know the error code, otherwise
 * the server's message (servers localise what they can), otherwise a generic line.
 */
export function errorMessage(error: unknown, t: Translate): string {
  if (!isApiError(error)) return t("error.unknown");
  if (error.code === "locked_out") {
    const seconds = error.details.retryAfterSeconds;
    return typeof seconds === "number" && Number.isFinite(seconds)
      ? t("error.locked_out", { seconds: Math.ceil(seconds) })
      : t("error.locked_out_generic");
  }
  if (error.code === "http_error") return t("error.http_error", { status: error.status });
  const key = `error.${error.code}`;
  if (isMessageKey(key)) return t(key);
  return error.message.trim() !== "" ? error.message : t("error.unknown");
}
