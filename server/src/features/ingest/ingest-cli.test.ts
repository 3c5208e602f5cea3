import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../logger.js";
import { serverRoot } from "../../package-root.js";
import { createTestDatabase, type TestDatabase } from "../../test-support/test-db.js";
import { platesRuntimeOf } from "../plates/plates-runtime.js";
import { parseReplayArgs } from "./ingest.cli.js";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ demo: true });
}, 60_000);
afterAll(() => db?.drop());

function gridops(args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      ["--conditions=development", "--import", "tsx", path.join(serverRoot, "src", "main.ts"), ...args],
      {
        env: { PATH: process.env.PATH ?? "", GRIDOPS_LOG_LEVEL: "error", DATABASE_URL: db.connectionString },
        cwd: serverRoot,
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("gridops ingest replay", () => {
  it("parses --id / --reason and refuses anything else", () => {
    expect(parseReplayArgs(["replay", "--id", "7"])).toEqual({ id: 7, reason: null });
    expect(parseReplayArgs(["replay", "--reason", "unknown_device"])).toEqual({
      id: null,
      reason: "unknown_device",
    });
    expect(() => parseReplayArgs(["replay"])).toThrow(/--id or --reason/);
    expect(() => parseReplayArgs(["replay", "--id", "x"])).toThrow(/unexpected/);
    expect(() => parseReplayArgs(["purge"])).toThrow(/Usage/);
  });

  it("replays unknown-device dead letters once the device is registered", async () => {
    const runtime = platesRuntimeOf({
      pool: db.pool,
      log: createLogger("silent"),
      config: { plateDedupeWindowMs: 3000, deadLetterMaxBytes: 1 << 20, frigateMqttUrl: null },
    });
    const result = await runtime.ingest.ingest({
      format: "generic",
      body: Buffer.from(
        JSON.stringify({ plate: "琼A12345", capturedAt: new Date().toISOString(), deviceId: "cli-cam" }),
      ),
      contentType: "application/json",
      headers: {},
      sourceIp: "10.0.0.9",
      receivedAt: new Date(),
      deviceHint: null,
      principal: { kind: "replay", actor: "test" },
      strict: false,
    });
    expect(result).toMatchObject({ kind: "dead_letter", reason: { code: "unknown_device" } });
    const failing = await gridops(["ingest", "replay", "--reason", "unknown_device"]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain("still failing: unknown_device");
    const camera = (await db.pool.query("SELECT id FROM cameras ORDER BY id LIMIT 1")).rows[0].id;
    await db.pool.query("INSERT INTO plate_devices (device_key, camera_id) VALUES ('cli-cam', $1)", [camera]);
    const ok = await gridops(["ingest", "replay", "--reason", "unknown_device"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/replayed, 1 stored/);
    expect((await db.pool.query("SELECT plate_text FROM plate_reads")).rows).toEqual([
      { plate_text: "琼A12345" },
    ]);
    expect((await gridops(["ingest", "replay"])).code).toBe(2);
  }, 120_000);
});
