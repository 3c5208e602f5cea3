import { z } from "zod";
import type { Pool, Queryable } from "../../db/pool.js";
import { badRequest, conflict } from "../../http/errors.js";
import { recordAudit } from "../audit/audit.service.js";
import { type CellCodeScheme, leafLevel, levelDef, loadCodeScheme, schemeOf } from "./cell-code-scheme.js";
import { type EditContext, inTransaction } from "./cell-edits.service.js";

/** A level id as the code scheme stores it ("district", "grid", or a configured one). */
export const levelIdSchema = z.string().regex(/^[a-z_]{2,32}$/, "level ids are 2-32 lowercase letters or _");

/**
 * A level asked for in a query, checked against the configured scheme (400 unknown_level naming
 * the levels); without one, the leaf level (grids in the default scheme).
 */
export async function levelOrLeaf(db: Queryable, level: string | undefined): Promise<string> {
  const scheme = await loadCodeScheme(db);
  if (level === undefined) return leafLevel(scheme).level;
  return knownLevel(scheme, level);
}

/** A level asked for in a query, checked against the configured scheme (400 unknown_level naming the levels). */
export async function requireLevel(db: Queryable, level: string): Promise<string> {
  return knownLevel(await loadCodeScheme(db), level);
}

function knownLevel(scheme: CellCodeScheme, level: string): string {
  if (!levelDef(scheme, level))
    throw badRequest(
      "unknown_level",
      `No cell level "${level}"; the levels are ${scheme.levels.map((l) => l.level).join(", ")}.`,
      { field: "level" },
    );
  return level;
}

export const cellSchemeBody = z.strictObject({
  levels: z
    .array(
      z.strictObject({
        level: levelIdSchema,
        prefix_length: z.int().min(1).max(32),
        name_zh: z.string().trim().min(1).max(50),
        name_en: z.string().trim().min(1).max(50),
      }),
    )
    .min(1)
    .max(8),
});
export type CellSchemeInput = z.infer<typeof cellSchemeBody>;

/**
 * Level names can change at any time. The levels themselves (ids, depth, code segment
 * lengths) only while no cell exists, since every stored code was validated against them.
 * The top level stays "district" (the cells table ties "no parent" to it).
 */
export function replaceCodeScheme(
  pool: Pool,
  ctx: EditContext,
  input: CellSchemeInput,
): Promise<CellCodeScheme> {
  return inTransaction(pool, false, async (db) => {
    const levels = input.levels.map((l, depth) => ({
      level: l.level,
      depth,
      prefixLength: l.prefix_length,
      nameZh: l.name_zh,
      nameEn: l.name_en,
    }));
    try {
      schemeOf(levels);
    } catch (cause) {
      throw badRequest("scheme_invalid", (cause as Error).message);
    }
    if (levels[0]!.level !== "district")
      throw badRequest("scheme_invalid", 'The top level must be "district".');
    if (new Set(levels.map((l) => l.level)).size !== levels.length)
      throw badRequest("scheme_invalid", "Level ids must differ.");
    await db.query("LOCK TABLE cell_levels IN EXCLUSIVE MODE");
    const current = await loadCodeScheme(db);
    const structural =
      JSON.stringify(current.levels.map((l) => [l.level, l.prefixLength])) !==
      JSON.stringify(levels.map((l) => [l.level, l.prefixLength]));
    if (structural) {
      const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM cells");
      if (rows[0]!.n > 0) {
        throw conflict(
          "scheme_in_use",
          `${rows[0]!.n} cells were coded with the current scheme; only level names can change now.`,
        );
      }
      await db.query("DELETE FROM cell_levels");
    }
    await db.query(
      `INSERT INTO cell_levels (level, depth, prefix_length, name_zh, name_en)
       SELECT * FROM unnest($1::text[], $2::smallint[], $3::smallint[], $4::text[], $5::text[])
       ON CONFLICT (level) DO UPDATE SET name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en`,
      [
        levels.map((l) => l.level),
        levels.map((l) => l.depth),
        levels.map((l) => l.prefixLength),
        levels.map((l) => l.nameZh),
        levels.map((l) => l.nameEn),
      ],
    );
    await recordAudit(db, {
      ...ctx.audit,
      action: "cell.scheme.update",
      targetType: "cell_scheme",
      details: { structural, levels: input.levels },
    });
    return loadCodeScheme(db);
  });
}
