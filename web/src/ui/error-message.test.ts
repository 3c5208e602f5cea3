import { describe, expect, it } from "vitest";
import { ApiError } from "../api/errors.js";
import { translatorFor } from "../i18n/i18n.js";
import { errorMessage } from "./error-message.js";

const zh = translatorFor("zh-CN");
const en = translatorFor("en");

describe("errorMessage", () => {
  it("localises known server codes instead of showing the server's text", () => {
    const error = new ApiError("invalid_credentials", "Invalid username or password", 401);
    expect(errorMessage(error, zh)).toBe("用户名或密码错误。");
    expect(errorMessage(error, en)).toBe("Wrong username or password.");
  });

  it("puts the lock-out wait, rounded up, into the message", () => {
    const error = new ApiError("locked_out", "Locked", 429, { retryAfterSeconds: 59.2 });
    expect(errorMessage(error, en)).toBe("Too many failed attempts. Try again in 60 s.");
    expect(errorMessage(error, zh)).toContain("60 秒");
  });

  it("still explains a lock-out without a usable wait", () => {
    const error = new ApiError("locked_out", "Locked", 429, { retryAfterSeconds: "soon" });
    expect(errorMessage(error, en)).toBe("Too many failed attempts. Try again later.");
  });

  it("shows the server's message for a code it does not know", () => {
    const error = new ApiError("cell_not_found", "Cell 3101 does not exist", 404);
    expect(errorMessage(error, en)).toBe("Cell 3101 does not exist");
  });

  it("names the HTTP status for errors without an envelope", () => {
    expect(errorMessage(new ApiError("http_error", "HTTP 502", 502), zh)).toBe(
      "服务器报告错误（HTTP 502）。",
    );
  });

  it("has a generic line for anything that is not an API error", () => {
    expect(errorMessage(new TypeError("x"), en)).toBe("Something went wrong.");
  });
});
