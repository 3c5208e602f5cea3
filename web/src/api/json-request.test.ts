import { describe, expect, it } from "vitest";
import { z } from "zod";
import { JsonRequester } from "./json-request.js";

interface Call {
  url: string;
  init: RequestInit;
}

// fetch is the outer edge of the web app: a recording stand-in is the seam.
function recorder(respond: () => Response) {
  const calls: Call[] = [];
  const fetchFn = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    calls.push({ url: String(input), init });
    return respond();
  }) as typeof fetch;
  return { calls, requester: new JsonRequester({ fetch: fetchFn, cookies: () => "gridops_csrf=t%3D1" }) };
}

describe("JsonRequester", () => {
  it("sends PATCH with a JSON body and the CSRF header, and parses the answer", async () => {
    const { calls, requester } = recorder(() => new Response(JSON.stringify({ id: 3 }), { status: 200 }));
    await expect(
      requester.patch("/api/v1/users/3", { disabled: true }, z.object({ id: z.number() })),
    ).resolves.toEqual({
      id: 3,
    });
    const headers = new Headers(calls[0]?.init.headers);
    expect(calls[0]?.init.method).toBe("PATCH");
    expect(headers.get("x-csrf-token")).toBe("t=1");
    expect(calls[0]?.init.body).toBe('{"disabled":true}');
  });

  it("sends DELETE without a body and accepts 204", async () => {
    const { calls, requester } = recorder(() => new Response(null, { status: 204 }));
    await requester.send("DELETE", "/api/v1/tokens/9");
    expect(calls[0]?.init.method).toBe("DELETE");
    expect(calls[0]?.init.body).toBeUndefined();
    expect(new Headers(calls[0]?.init.headers).get("x-csrf-token")).toBe("t=1");
  });

  it("returns a text answer as it came, even when it would parse as JSON", async () => {
    const { requester } = recorder(() => new Response("42", { status: 200 }));
    await expect(requester.postForText("/api/v1/plates/export", {})).resolves.toBe("42");
  });

  it("turns the error envelope into an ApiError with the server's code", async () => {
    const { requester } = recorder(
      () =>
        new Response(JSON.stringify({ error: { code: "purpose_required", message: "say why" } }), {
          status: 400,
        }),
    );
    await expect(requester.post("/api/v1/plates/search", {}, z.object({}))).rejects.toMatchObject({
      code: "purpose_required",
      status: 400,
    });
  });

  it("builds download URLs without empty parameters", () => {
    const { requester } = recorder(() => new Response(""));
    expect(requester.url("/api/v1/audit/export.csv", { action: "user.create", actor: undefined })).toBe(
      "/api/v1/audit/export.csv?action=user.create",
    );
  });
});
