import { defineConfig } from "vitest/config";

// One suite for the whole monorepo. Workspace packages resolve to their TypeScript
// sources through the "development" export condition, so tests never need a build.
export default defineConfig({
  resolve: { conditions: ["development"] },
  ssr: { resolve: { conditions: ["development"], externalConditions: ["development"] } },
  test: {
    include: ["{server,camera-adapters,gis-data,web}/src/**/*.test.ts", "web/e2e/**/*.test.ts"],
    globalSetup: ["server/src/test-support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
