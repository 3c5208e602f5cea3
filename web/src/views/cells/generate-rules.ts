import type { GenerateBody } from "./cell-admin-api.js";
import type { GenerateShape } from "./cell-admin-schemas.js";

export interface GenerateForm {
  shape: GenerateShape;
  /** As typed: square side or hexagon edge in metres. */
  size: string;
  /** As typed: the H3 resolution. */
  resolution: string;
  namePrefix: string;
}

export type GenerateProblem = "size" | "resolution";

// The server's limits (cells.schemas.ts, generateBody), checked here so a typo is explained
// next to the field instead of coming back as a 400.
const MIN_SIZE_M = 10;
const MAX_SIZE_M = 20_000;
const MAX_RESOLUTION = 15;

/** The request body for the form, or which field is wrong. `commit` false previews. */
export function generateRequest(
  form: GenerateForm,
  commit: boolean,
): { ok: true; body: GenerateBody } | { ok: false; problem: GenerateProblem } {
  const prefix = form.namePrefix.trim();
  const base = { shape: form.shape, commit, ...(prefix ? { name_prefix: prefix.slice(0, 200) } : {}) };
  if (form.shape === "h3") {
    const resolution = Number(form.resolution.trim());
    if (
      form.resolution.trim() === "" ||
      !Number.isInteger(resolution) ||
      resolution < 0 ||
      resolution > MAX_RESOLUTION
    )
      return { ok: false, problem: "resolution" };
    return { ok: true, body: { ...base, resolution } };
  }
  const size = Number(form.size.trim());
  if (form.size.trim() === "" || !Number.isFinite(size) || size < MIN_SIZE_M || size > MAX_SIZE_M)
    return { ok: false, problem: "size" };
  return { ok: true, body: { ...base, size_m: size } };
}
