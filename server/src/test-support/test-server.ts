import { loadConfig } from "../config.js";
import type { AuthSettings } from "../features/auth/auth.service.js";
import { createLogger } from "../logger.js";
import { randomBytes } from "node:crypto";
import { keyringOf } from "../features/secrets/keyring.js";
import { authSettingsOf, depsOf, type RunningServer, startHttpServer } from "../runtime.js";
import { createTestDatabase, type TestDatabase } from "./test-db.js";
import { DEMO_PASSWORD } from "./test-pg-info.js";

export interface TestServer {
  url: string;
  db: TestDatabase;
  server: RunningServer;
  demoPassword: string;
  close(): Promise<void>;
}

/** A real server on a free loopback port with its own database (demo district + users by default). */
export async function startTestServer(
  opts: { demo?: boolean; env?: Record<string, string>; authSettings?: Partial<AuthSettings> } = {},
): Promise<TestServer> {
  const db = await createTestDatabase({ demo: opts.demo ?? true });
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: db.connectionString,
    GRIDOPS_LOG_LEVEL: process.env.GRIDOPS_TEST_LOG_LEVEL ?? "silent",
    ...opts.env,
  });
  const log = createLogger(config.logLevel);
  const deps = depsOf(config, db.pool, log, keyringOf([randomBytes(32)]), { ...authSettingsOf(config), ...opts.authSettings });
  const server = await startHttpServer(deps);
  return {
    url: server.url,
    db,
    server,
    demoPassword: DEMO_PASSWORD,
    close: async () => {
      await server.close();
      await db.drop();
    },
  };
}
