import { describe, expect, it } from "vitest";
import { ApiError } from "./errors.js";
import { collectAllPages, type FeaturePage } from "./paging.js";

function pagedServer(items: number[], pageSize: number) {
  const requested: (string | null)[] = [];
  const fetchPage = async (cursor: string | null): Promise<FeaturePage<number>> => {
    requested.push(cursor);
    const start = cursor === null ? 0 : Number(cursor.slice(1));
    const end = start + pageSize;
    return { features: items.slice(start, end), next_cursor: end < items.length ? `c${end}` : null };
  };
  return { fetchPage, requested };
}

describe("collectAllPages", () => {
  it("follows next_cursor until null and keeps order", async () => {
    const items = Array.from({ length: 12 }, (_, i) => i);
    const server = pagedServer(items, 5);
    expect(await collectAllPages(server.fetchPage)).toEqual(items);
    expect(server.requested).toEqual([null, "c5", "c10"]);
  });

  it("makes one request when everything fits in one page", async () => {
    const server = pagedServer([1, 2, 3], 5000);
    expect(await collectAllPages(server.fetchPage)).toEqual([1, 2, 3]);
    expect(server.requested).toEqual([null]);
  });

  it("treats a missing next_cursor as the end", async () => {
    expect(await collectAllPages(async () => ({ features: ["a"] }))).toEqual(["a"]);
  });

  it("refuses a cursor loop instead of hanging", async () => {
    const looping = async () => ({ features: [1], next_cursor: "same" });
    await expect(collectAllPages(looping)).rejects.toMatchObject({ code: "invalid_response" });
  });

  it("stops after maxPages", async () => {
    let n = 0;
    const endless = async () => ({ features: [n], next_cursor: `c${++n}` });
    const error = await collectAllPages(endless, { maxPages: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(n).toBe(3);
  });

  it("passes a page error through", async () => {
    const failing = async () => {
      throw new ApiError("forbidden", "no", 403);
    };
    await expect(collectAllPages(failing)).rejects.toMatchObject({ code: "forbidden", status: 403 });
  });
});
