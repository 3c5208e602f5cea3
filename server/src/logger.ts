import { pino } from "pino";

export type Logger = pino.Logger;

/** Paths never written to logs: passwords, tokens, cookies, camera credentials. */
export const redactedPaths = [
  "password",
  "*.password",
  "*.*.password",
  "newPassword",
  "*.newPassword",
  "token",
  "*.token",
  "*.secret",
  "credentials",
  "*.credentials",
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
  'req.headers["x-csrf-token"]',
  'req.headers["x-api-key"]',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "gridops" },
      redact: { paths: redactedPaths, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
