import { describe, expect, it } from "vitest";
import { StreamCheckLimiter } from "./check-limiter.js";

function deferred() {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("StreamCheckLimiter", () => {
  it("runs one check per camera at a time and lets other cameras pass", async () => {
    const limiter = new StreamCheckLimiter({ globalConcurrency: 4, perKeyConcurrency: 1 });
    const order: string[] = [];
    const gates = { a1: deferred(), a2: deferred(), b1: deferred() };
    const task = (name: keyof typeof gates) => async () => {
      order.push(`start ${name}`);
      await gates[name].promise;
      order.push(`end ${name}`);
    };
    const all = Promise.all([
      limiter.run("cam-a", task("a1")),
      limiter.run("cam-a", task("a2")),
      limiter.run("cam-b", task("b1")),
    ]);
    await Promise.resolve();
    expect(order).toEqual(["start a1", "start b1"]);
    expect(limiter.activeFor("cam-a")).toBe(1);
    expect(limiter.queuedCount).toBe(1);
    gates.a1.resolve();
    gates.b1.resolve();
    gates.a2.resolve();
    await all;
    expect(order.indexOf("start a2")).toBeGreaterThan(order.indexOf("end a1"));
    expect(limiter.activeCount).toBe(0);
  });

  it("never exceeds the global limit", async () => {
    const limiter = new StreamCheckLimiter({ globalConcurrency: 3 });
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limiter.run(`cam-${i}`, async () => {
          running += 1;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 2));
          running -= 1;
        }),
      ),
    );
    expect(peak).toBe(3);
  });

  it("releases the slot when a check fails, and propagates the error", async () => {
    const limiter = new StreamCheckLimiter({ globalConcurrency: 1 });
    await expect(limiter.run("a", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(limiter.run("a", async () => 42)).resolves.toBe(42);
  });

  it("refuses beyond maxQueued with code busy and drops aborted waiters", async () => {
    const limiter = new StreamCheckLimiter({ globalConcurrency: 1, maxQueued: 1 });
    const gate = deferred();
    const first = limiter.run("a", () => gate.promise);
    const controller = new AbortController();
    const second = limiter.run("b", async () => "second", controller.signal);
    await expect(limiter.run("c", async () => "third")).rejects.toMatchObject({ code: "busy" });
    controller.abort(new Error("shutting down"));
    await expect(second).rejects.toThrow("shutting down");
    expect(limiter.queuedCount).toBe(0);
    gate.resolve();
    await first;
  });

  it("starts the oldest waiting check of a free camera first, across cameras", async () => {
    const limiter = new StreamCheckLimiter({ globalConcurrency: 1, perKeyConcurrency: 1 });
    const started: string[] = [];
    const gate = deferred();
    const task = (name: string) => async () => {
      started.push(name);
      if (name === "a1") await gate.promise;
    };
    const all = Promise.all(
      ["a1", "b1", "a2", "c1", "b2"].map((name) => limiter.run(name.slice(0, 1), task(name))),
    );
    await Promise.resolve();
    expect(limiter.queuedCount).toBe(4);
    gate.resolve();
    await all;
    expect(started).toEqual(["a1", "b1", "a2", "c1", "b2"]);
  });

  it("lets checks of free cameras pass many waiting behind one busy camera", async () => {
    const limiter = new StreamCheckLimiter({ globalConcurrency: 2, perKeyConcurrency: 1 });
    const busy = deferred();
    const behind = Array.from({ length: 5000 }, () => limiter.run("recorder", () => busy.promise));
    const held = deferred();
    const first = limiter.run("recorder", () => held.promise);
    expect(limiter.queuedCount).toBe(5000);
    // The recorder holds one slot; the other slot serves every other camera in turn.
    const others = await Promise.all(
      Array.from({ length: 50 }, (_, i) => limiter.run(`cam-${i}`, async () => i)),
    );
    expect(others).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(limiter.activeFor("recorder")).toBe(1);
    busy.resolve();
    held.resolve();
    await Promise.all([first, ...behind]);
    expect(limiter.queuedCount).toBe(0);
    expect(limiter.activeCount).toBe(0);
  });

  it("runs up to perKeyConcurrency checks of one camera, and an aborted oldest waiter does not stall the rest", async () => {
    const limiter = new StreamCheckLimiter({ globalConcurrency: 4, perKeyConcurrency: 2 });
    const gates = [deferred(), deferred()];
    const running = gates.map((g) => limiter.run("a", () => g.promise));
    const controller = new AbortController();
    const aborted = limiter.run("a", async () => "never", controller.signal);
    const next = limiter.run("a", async () => "next");
    expect(limiter.activeFor("a")).toBe(2);
    controller.abort(new Error("gone"));
    await expect(aborted).rejects.toThrow("gone");
    expect(limiter.queuedCount).toBe(1);
    gates[0]!.resolve();
    await expect(next).resolves.toBe("next");
    gates[1]!.resolve();
    await Promise.all(running);
    expect(limiter.activeCount).toBe(0);
  });
});
