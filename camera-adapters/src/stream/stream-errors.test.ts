import { describe, expect, it } from "vitest";
import {
  classifyFfmpegFailure,
  classifyFfmpegStderr,
  lastStderrLine,
  redactCredentials,
} from "./stream-errors.js";

describe("ffmpeg failure classification", () => {
  // stderr lines as Debian's ffmpeg 5.1 prints them for each case.
  it.each([
    ["rtsp://cam/live: Server returned 401 Unauthorized (authorization failed)", "auth_failed"],
    [
      "[rtsp @ 0x55] method DESCRIBE failed: 404 Not Found\nrtsp://cam/x: Server returned 404 Not Found",
      "not_found",
    ],
    ["[tcp @ 0x55] Connection to tcp://127.0.0.1:554?timeout=0 failed: Connection refused", "unreachable"],
    ["/nonexistent/cam.mp4: No such file or directory", "not_found"],
    ["[rtsp @ 0x55] method SETUP failed: 453 Not Enough Bandwidth", "bad_response"],
    ["something unexpected", "process_failed"],
  ])("classifies %j as %s", (stderr, code) => {
    expect(classifyFfmpegStderr(stderr)).toBe(code);
  });

  it("treats 'Invalid data' after the socket timeout as a timeout, before it as a bad answer", () => {
    const stderr = "rtsp://127.0.0.1:38803/live: Invalid data found when processing input";
    expect(classifyFfmpegFailure(stderr, 1135, 800)).toBe("timeout");
    expect(classifyFfmpegFailure(stderr, 40, 800)).toBe("bad_response");
  });

  it("never repeats a password from the URL", () => {
    const line = "rtsp://admin:Abc12345@10.0.0.7:554/live: Server returned 401 Unauthorized";
    expect(redactCredentials(line)).toBe(
      "rtsp://admin:***@10.0.0.7:554/live: Server returned 401 Unauthorized",
    );
    expect(lastStderrLine(`first\n${line}\n\n`)).not.toContain("Abc12345");
  });
});
