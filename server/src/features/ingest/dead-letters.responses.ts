import { z } from "zod";
import { timestamp } from "../../http/wire.js";

// Response bodies of the dead-letter routes as they go over the wire (OpenAPI; checked in tests).

const replayError = z.object({ code: z.string(), message: z.string() });

/** What a replay answered (also stored as the letter's replay_result). */
export const replayOutcomeResponse = z.object({
  id: z.number().int(),
  ok: z.boolean(),
  stored: z.number().int(),
  duplicates: z.number().int(),
  error: replayError
    .nullable()
    .describe("Why the replay failed again (the letter stays open); null on success"),
});

/** replay_result as stored: the whole outcome on success, the reason on failure (dead-letters.sql.ts). */
const storedReplayResult = z.discriminatedUnion("ok", [
  replayOutcomeResponse.extend({ ok: z.literal(true), error: z.null() }),
  z.object({ ok: z.literal(false), code: z.string(), message: z.string() }),
]);

const deadLetterSummary = z.object({
  id: z.number().int(),
  receivedAt: timestamp,
  lastReceivedAt: timestamp,
  occurrences: z.number().int().describe("The same payload in the same format while still open counts again"),
  format: z.string(),
  reasonCode: z
    .string()
    .describe("A plate parser error code, or unknown_device, device_disabled, parser_failed, store_failed"),
  message: z.string(),
  messageZh: z.string(),
  field: z.string().nullable(),
  sourceIp: z.string().nullable(),
  deviceHint: z.string().nullable(),
  pushedBy: z.string().describe('"token:<id>:<name>" or "device:<username>"'),
  contentType: z.string().nullable(),
  payloadSize: z.number().int().describe("Bytes received (the stored payload may be truncated)"),
  payloadTruncated: z.boolean(),
  status: z.enum(["new", "replayed", "discarded"]),
  replayedAt: timestamp.nullable().describe("Last replay, successful or not"),
  replayedBy: z.string().nullable(),
  replayResult: storedReplayResult
    .nullable()
    .describe("What the last replay answered; null if never replayed"),
});

export const deadLettersResponse = z.object({
  deadLetters: z.array(deadLetterSummary),
  nextBeforeId: z.number().int().nullable().describe("Pass as beforeId for the next page; null on the last"),
});

export const deadLetterResponse = deadLetterSummary.extend({
  headers: z.record(z.string(), z.string()).describe("Request headers as received, credentials removed"),
});
