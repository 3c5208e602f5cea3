import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase, testPg } from "../../test-support/test-db.js";
import { decryptSecret, encryptSecret, keyIdOfSealed, loadKeyring, readKeyFile } from "./keyring.js";
import { encryptedColumns, rotateKey } from "./rotate-key.js";

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  dir = path.join(testPg().root, `keys-${Date.now()}`);
});
afterAll(() => db.drop());

describe("secret keyring", () => {
  it("creates a key file in demo mode, encrypts with AES-256-GCM and detects tampering", async () => {
    const keyFile = path.join(dir, "demo.key");
    const ring = await loadKeyring({ keyFile, createIfMissing: true });
    expect((await fs.stat(keyFile)).mode & 0o777).toBe(0o600);
    const sealed = encryptSecret(ring, "admin:Passw0rd!");
    expect(sealed).not.toContain("Passw0rd");
    expect(encryptSecret(ring, "admin:Passw0rd!")).not.toBe(sealed);
    expect(decryptSecret(ring, sealed)).toBe("admin:Passw0rd!");
    const parts = sealed.split(":");
    // Change the ciphertext's first character (to one it is not: it is random, and "A" 1 time in 64).
    parts[4] = `${parts[4]!.startsWith("A") ? "B" : "A"}${parts[4]!.slice(1)}`;
    expect(() => decryptSecret(ring, parts.join(":"))).toThrow(/failed authentication/);
  });

  it("refuses to start without a key outside demo mode, naming both ways to provide one", async () => {
    await expect(loadKeyring({ keyFile: path.join(dir, "missing.key"), createIfMissing: false })).rejects.toThrow(
      /GRIDOPS_SECRET_KEY.*missing\.key/,
    );
    await expect(loadKeyring({ envKey: "abc", keyFile: path.join(dir, "x.key"), createIfMissing: false })).rejects.toThrow(/32 bytes/);
  });

  it("rotate-key re-encrypts every stored secret under a new key and drops the old one", async () => {
    const col = encryptedColumns[0]!;
    const hasColumn = (
      await db.pool.query("SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = $2", [col.table, col.column])
    ).rowCount;
    if (!hasColumn) await db.pool.query(`ALTER TABLE ${col.table} ADD COLUMN ${col.column} text`);
    const keyFile = path.join(dir, "rotate.key");
    const ring = await loadKeyring({ keyFile, createIfMissing: true });
    await db.pool.query("INSERT INTO cells (code, name, level, path, geom) VALUES ('110000000000000', 'd', 'district', '{110000000000000}', ST_Multi(ST_MakeEnvelope(0,0,1,1,4326)))");
    await db.pool.query(
      `INSERT INTO cameras (id, name, vendor, geom, cell_code, ${col.column}) VALUES ('C1', 'c', 'hikvision', ST_Point(0.5, 0.5, 4326), '110000000000000', $1), ('C2', 'c', 'dahua', ST_Point(0.6, 0.5, 4326), '110000000000000', $2)`,
      [encryptSecret(ring, "u1:p1"), encryptSecret(ring, "u2:p2")],
    );
    const report = await rotateKey(db.pool, keyFile);
    expect(report.reencrypted).toBe(2);
    const keys = await readKeyFile(keyFile);
    expect(keys).toHaveLength(1);
    const newRing = await loadKeyring({ keyFile, createIfMissing: false });
    expect(newRing.currentId).toBe(report.newKeyId);
    expect(newRing.currentId).not.toBe(ring.currentId);
    const { rows } = await db.pool.query<{ id: string; s: string }>(`SELECT id, ${col.column} AS s FROM cameras ORDER BY id`);
    expect(rows.map((r) => keyIdOfSealed(r.s))).toEqual([report.newKeyId, report.newKeyId]);
    expect(rows.map((r) => decryptSecret(newRing, r.s))).toEqual(["u1:p1", "u2:p2"]);
    const audit = await db.pool.query("SELECT action FROM audit_log WHERE action = 'config.rotate_key'");
    expect(audit.rowCount).toBe(1);
  });
});
