import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ApiPath } from "./api-paths.js";

describe("ApiPath (typed against the generated OpenAPI paths)", () => {
  it("accepts documented paths with parameters filled in, and the build rejects others", () => {
    const documented: ApiPath[] = ["/api/v1/cells", `/api/v1/cells/${"330199001001001"}`, `/api/v1/incidents/${42}/timeline`];
    // @ts-expect-error a path the server does not document must not compile (tsc -b web checks this line)
    const undocumented: ApiPath = "/api/v1/no-such-route";
    const generated = readFileSync(new URL("./generated/openapi.ts", import.meta.url), "utf8");
    expect(generated).toContain('"/api/v1/cells/{code}"');
    expect(generated).toContain('"/api/v1/incidents/{id}/timeline"');
    expect(generated).not.toContain(`"${undocumented}"`);
    expect(documented).toHaveLength(3);
  });
});
