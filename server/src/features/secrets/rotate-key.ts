import { randomBytes } from "node:crypto";
import type { Pool } from "../../db/pool.js";
import { withTransaction } from "../../db/pool.js";
import { recordAudit } from "../audit/audit.service.js";
import { decryptSecret, encryptSecret, type Keyring, keyIdOf, keyringOf, readKeyFile, writeKeyFile } from "./keyring.js";

/** Columns holding `encryptSecret` output. A feature that stores a secret adds its column here. */
export const encryptedColumns: { table: string; id: string; column: string }[] = [
  { table: "cameras", id: "id", column: "credentials_enc" },
  { table: "webhook_subscriptions", id: "id", column: "secret_enc" },
  { table: "plate_device_credentials", id: "id", column: "password_sealed" },
];

async function existingColumns(pool: Pool) {
  const { rows } = await pool.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND (table_name, column_name) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    [encryptedColumns.map((c) => c.table), encryptedColumns.map((c) => c.column)],
  );
  return encryptedColumns.filter((c) => rows.some((r) => r.table_name === c.table && r.column_name === c.column));
}

export interface RotationReport {
  newKeyId: string;
  reencrypted: number;
}

/**
 * Crash-safe rotation: the new key is added to the key file first (old keys kept), every
 * secret is re-encrypted in one transaction, and only then are the old keys dropped.
 */
export async function rotateKey(pool: Pool, keyFile: string, onProgress?: (done: number) => void): Promise<RotationReport> {
  const oldKeys = await readKeyFile(keyFile);
  const newKey = randomBytes(32);
  await writeKeyFile(keyFile, [newKey, ...oldKeys]);
  const ring: Keyring = keyringOf([newKey, ...oldKeys]);
  let reencrypted = 0;
  await withTransaction(pool, async (db) => {
    for (const col of await existingColumns(pool)) {
      const { rows } = await db.query<{ id: string; sealed: string }>(
        `SELECT ${col.id}::text AS id, ${col.column} AS sealed FROM ${col.table} WHERE ${col.column} IS NOT NULL FOR UPDATE`,
      );
      const resealed = rows.map((r) => ({ id: r.id, sealed: encryptSecret(ring, decryptSecret(ring, r.sealed)) }));
      await db.query(
        `UPDATE ${col.table} t SET ${col.column} = u.sealed FROM unnest($1::text[], $2::text[]) AS u(id, sealed) WHERE t.${col.id}::text = u.id`,
        [resealed.map((r) => r.id), resealed.map((r) => r.sealed)],
      );
      reencrypted += resealed.length;
      onProgress?.(reencrypted);
    }
    await recordAudit(db, {
      actorUserId: null,
      actor: "cli:rotate-key",
      action: "config.rotate_key",
      details: { newKeyId: keyIdOf(newKey), reencrypted },
    });
  });
  await writeKeyFile(keyFile, [newKey]);
  return { newKeyId: keyIdOf(newKey), reencrypted };
}
