import type { Config } from "../../config.js";
import type { Pool } from "../../db/pool.js";
import type { Logger } from "../../logger.js";
import { platesRuntimeOf } from "../plates/plates-runtime.js";
import { replayDeadLetters } from "./dead-letters.service.js";

export const INGEST_USAGE = "Usage: gridops ingest replay [--id N | --reason CODE]";

export class IngestCliUsageError extends Error {}

/** Parses `replay [--id N | --reason CODE]`; refuses anything else. */
export function parseReplayArgs(args: readonly string[]): { id: number | null; reason: string | null } {
  const [sub, ...rest] = args;
  if (sub !== "replay") throw new IngestCliUsageError(INGEST_USAGE);
  let id: number | null = null;
  let reason: string | null = null;
  for (let i = 0; i < rest.length; i += 2) {
    const flag = rest[i];
    const value = rest[i + 1];
    if (flag === "--id" && value && /^\d{1,15}$/.test(value)) id = Number(value);
    else if (flag === "--reason" && value && /^[a-z_]{1,40}$/.test(value)) reason = value;
    else
      throw new IngestCliUsageError(
        `${INGEST_USAGE}\n(unexpected ${JSON.stringify(flag ?? "")}${value ? ` ${JSON.stringify(value)}` : ""})`,
      );
  }
  if (id === null && reason === null)
    throw new IngestCliUsageError(
      `${INGEST_USAGE}\n(give --id or --reason: replaying everything at once is not offered)`,
    );
  return { id, reason };
}

/** `gridops ingest replay`: replays matching open dead letters, one line each; exit code 1 if any failed. */
export async function runIngestCli(
  args: readonly string[],
  pool: Pool,
  log: Logger,
  config: Config,
): Promise<number> {
  const filter = parseReplayArgs(args);
  const runtime = platesRuntimeOf({ pool, log, config: { ...config, frigateMqttUrl: null } });
  const outcomes = await replayDeadLetters(
    pool,
    runtime.ingest,
    filter,
    { userId: null, actor: "cli:ingest-replay" },
    (o) => {
      console.log(
        o.ok
          ? `dead letter ${o.id}: replayed, ${o.stored} stored, ${o.duplicates} duplicate(s)`
          : `dead letter ${o.id}: still failing: ${o.error?.code} ${o.error?.message}`,
      );
    },
  );
  const failed = outcomes.filter((o) => !o.ok).length;
  console.log(
    `${outcomes.length} dead letter(s) replayed, ${outcomes.length - failed} ok, ${failed} still failing.`,
  );
  return failed > 0 ? 1 : 0;
}
