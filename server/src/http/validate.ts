import type { z } from "zod";
import { badRequest } from "./errors.js";

export interface FieldProblem {
  field: string;
  message: string;
}

/** Parses one part of a request; failures name every offending field. */
export function parseInput<T>(where: "params" | "query" | "body", schema: z.ZodType<T> | undefined, value: unknown): T {
  if (!schema) return undefined as T;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems: FieldProblem[] = parsed.error.issues.map((issue) => ({
    field: [where, ...issue.path.map(String)].join("."),
    message: issue.code === "unrecognized_keys" ? `unknown field(s): ${issue.keys.join(", ")}` : issue.message,
  }));
  const first = problems[0];
  throw badRequest(
    `invalid_${where}`,
    first ? `${first.field}: ${first.message}` : `Invalid ${where}.`,
    { problems },
  );
}
