import { defineConfig } from "vitest/config";

/** Browser checks of the "within 1 s": run last, alone (see that file). */
const LATENCY_FILES = ["web/e2e/live-latency.test.ts"];

// One suite for the whole monorepo. Workspace packages resolve to their TypeScript
// sources through the "development" export condition, so tests never need a build.
export default defineConfig({
  resolve: { conditions: ["development"] },
  ssr: { resolve: { conditions: ["development"], externalConditions: ["development"] } },
  test: {
    globalSetup: ["server/src/test-support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    projects: [
      {
        extends: true,
        test: {
          name: "suite",
          include: ["{server,camera-adapters,gis-data,web}/src/**/*.test.ts", "web/e2e/**/*.test.ts"],
          exclude: ["**/node_modules/**", ...LATENCY_FILES],
        },
      },
      {
        // Projects with a higher groupOrder start after the lower groups have finished.
        extends: true,
        test: {
          name: "latency",
          include: LATENCY_FILES,
          sequence: { groupOrder: 1 },
          poolOptions: { forks: { maxForks: 1, minForks: 1 } },
        },
      },
    ],
  },
});
