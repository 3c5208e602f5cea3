import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { analysePlate } from "../plates/plate-grammar.js";
import { parsePlatePayload } from "../plates/registry.js";
import {
  type FeedFormat,
  randomPlate,
  renderPayload,
  seededRandom,
  startPlateFeedSimulator,
} from "./plate-feed.js";

describe("plate feed simulator", () => {
  it("generates plates that follow the Chinese plate grammar, repeatably", () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const plates = Array.from({ length: 500 }, () => randomPlate(a));
    expect(Array.from({ length: 500 }, () => randomPlate(b))).toEqual(plates);
    for (const { plate, colour } of plates) {
      const analysis = analysePlate(plate);
      expect(analysis.plateValid, plate).toBe(true);
      if (colour === "green") expect(analysis.plateKind, plate).toMatch(/new_energy/);
    }
    expect(new Set(plates.map((p) => p.plate)).size).toBeGreaterThan(490);
  });

  it.each(["generic", "hikvision-isapi", "chinese-parking"] as FeedFormat[])(
    "renders %s payloads that the real parser reads back exactly",
    async (format) => {
      const at = new Date("2026-11-23T03:04:05.678Z");
      const payload = renderPayload({ deviceId: "DEV-1", format, lane: 2 }, "浙A12345", "blue", at, "evt-1");
      const reads = await parsePlatePayload(format, {
        body: Buffer.from(payload.body),
        contentType: payload.contentType,
        receivedAt: at,
      });
      expect(reads).toHaveLength(1);
      expect(reads[0]).toMatchObject({ plateText: "浙A12345", plateColour: "blue", plateValid: true });
      expect(Math.abs(reads[0]!.capturedAt.getTime() - at.getTime())).toBeLessThan(1000);
      expect(reads[0]!.deviceId).toContain("DEV-1");
    },
  );

  it("pushes at roughly the requested rate with the token, and stops cleanly", async () => {
    const seen: { path: string; auth: string | undefined; type: string | undefined }[] = [];
    const server = http.createServer((req, res) => {
      seen.push({ path: req.url ?? "", auth: req.headers.authorization, type: req.headers["content-type"] });
      req.resume();
      req.on("end", () => res.writeHead(seen.length % 10 === 0 ? 400 : 202).end());
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    const feed = startPlateFeedSimulator({
      baseUrl: `http://127.0.0.1:${port}`,
      token: "gto_1_secret",
      devices: [
        { deviceId: "A", format: "generic" },
        { deviceId: "B", format: "hikvision-isapi" },
      ],
      ratePerSecond: 50,
    });
    await new Promise((r) => setTimeout(r, 1000));
    await feed.stop();
    server.close();
    const stats = feed.stats();
    expect(stats.sent).toBeGreaterThan(25);
    expect(stats.sent).toBeLessThan(80);
    expect(stats.accepted + stats.rejected).toBe(stats.sent);
    expect(stats.rejected).toBeGreaterThan(0);
    expect(seen.every((s) => s.auth === "Bearer gto_1_secret")).toBe(true);
    expect(new Set(seen.map((s) => s.path))).toEqual(
      new Set(["/api/v1/ingest/plates/generic", "/api/v1/ingest/plates/hikvision-isapi"]),
    );
  });
});
