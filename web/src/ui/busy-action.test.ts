import { describe, expect, it } from "vitest";
import { busyAction } from "./busy-action.js";

function recorder() {
  const events: string[] = [];
  const runner = busyAction({
    started: () => events.push(`started busy=${runner.busy}`),
    failed: (failure) => events.push(`failed ${String(failure)} busy=${runner.busy}`),
    finished: () => events.push(`finished busy=${runner.busy}`),
  });
  return { events, runner };
}

describe("busyAction", () => {
  it("is busy from start until the action settles, then finishes", async () => {
    const { events, runner } = recorder();
    let release = () => {};
    const running = runner.run(() => new Promise<void>((resolve) => (release = resolve)));
    expect(runner.busy).toBe(true);
    release();
    await running;
    expect(runner.busy).toBe(false);
    expect(events).toEqual(["started busy=true", "finished busy=false"]);
  });

  it("ignores a second action while the first runs", async () => {
    const { runner } = recorder();
    let release = () => {};
    let second = 0;
    const first = runner.run(() => new Promise<void>((resolve) => (release = resolve)));
    await runner.run(async () => {
      second += 1;
    });
    release();
    await first;
    expect(second).toBe(0);
    await runner.run(async () => {
      second += 1;
    });
    expect(second).toBe(1);
  });

  it("reports a failure, then is no longer busy and still finishes", async () => {
    const { events, runner } = recorder();
    await runner.run(async () => {
      throw new Error("conflict");
    });
    expect(events).toEqual(["started busy=true", "failed Error: conflict busy=true", "finished busy=false"]);
    expect(runner.busy).toBe(false);
  });
});
