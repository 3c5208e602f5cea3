import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OnvifSimulator, startOnvifSimulator } from "../sim/index.js";
import { probe } from "./discovery.js";

// Multicast on loopback is not routable in every sandbox (and must not leave the machine in
// tests), so these tests probe the simulator's responder by unicast with multicast off.
let sim: OnvifSimulator;

beforeAll(async () => {
  sim = await startOnvifSimulator({ count: 12, seed: 3, discoveryPort: 0 });
});
afterAll(async () => {
  await sim.close();
});

describe("WS-Discovery probe", () => {
  it("collects one ProbeMatch per camera with XAddrs and scopes", async () => {
    const found = await probe({
      timeoutMs: 400,
      multicast: false,
      targets: [{ host: "127.0.0.1", port: sim.discoveryPort! }],
    });
    expect(found).toHaveLength(12);
    const byXAddr = new Map(found.map((d) => [d.xaddrs[0], d]));
    for (const cam of sim.cameras) expect(byXAddr.has(cam.deviceServiceUrl)).toBe(true);
    const first = byXAddr.get(sim.cameras[0]!.deviceServiceUrl)!;
    expect(first.endpointReference).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(first.name).toBe("HIKVISION cam-00001");
    expect(first.location).toBe("city/hangzhou");
    expect(first.hardware).not.toBeNull();
    expect(first.types).toContain("dn:NetworkVideoTransmitter");
  });

  it("does not list cameras that are offline", async () => {
    sim.setFault("cam-00002", { kind: "offline" });
    const found = await probe({
      timeoutMs: 400,
      multicast: false,
      targets: [{ host: "127.0.0.1", port: sim.discoveryPort! }],
    });
    sim.clearFaults("cam-00002");
    expect(found).toHaveLength(11);
    expect(found.some((d) => d.xaddrs[0]?.includes("cam-00002"))).toBe(false);
  });
});
