// `npm run bench [name-filter…] [--write-docs]`: runs every bench/*.bench.ts, prints each
// result with its same-run baseline ratio, and with --write-docs records them in
// docs/performance.md between the bench markers.
import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BenchResult } from "./support/bench-types.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const docsPath = path.join(here, "..", "docs", "performance.md");
const START = "<!-- bench:start -->";
const END = "<!-- bench:end -->";

const args = process.argv.slice(2);
const writeDocs = args.includes("--write-docs");
const filters = args.filter((a) => !a.startsWith("--"));

const fmt = (n: number) =>
  Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toPrecision(3);

async function main() {
  const files = (await fs.readdir(here)).filter((f) => f.endsWith(".bench.ts")).sort();
  const selected = files.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
  const rows: string[] = [];
  let failures = 0;
  for (const file of selected) {
    const name = file.replace(/\.bench\.ts$/, "");
    process.stderr.write(`bench ${name}: running…\n`);
    const started = Date.now();
    try {
      const mod = (await import(pathToFileURL(path.join(here, file)).href)) as {
        run(): Promise<BenchResult[]>;
      };
      const results = await mod.run();
      for (const r of results) {
        const baseline = r.baseline ? `${r.baseline.name}: ${fmt(r.baseline.value)}` : "";
        const ratio = r.ratio !== undefined ? `×${fmt(r.ratio)}` : "";
        rows.push(
          `| ${name} | ${r.name} | ${fmt(r.value)} ${r.unit} | ${baseline} | ${ratio} | ${r.note ?? ""} |`,
        );
        console.log(
          `${name} · ${r.name}: ${fmt(r.value)} ${r.unit}${ratio ? ` (${ratio} vs ${baseline})` : ""}`,
        );
        if (r.note) console.log(`    ${r.note}`);
      }
      process.stderr.write(`bench ${name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    } catch (error) {
      failures += 1;
      rows.push(
        `| ${name} | FAILED | | | | ${String((error as Error).message)
          .replaceAll("|", "/")
          .slice(0, 200)} |`,
      );
      console.error(`bench ${name} failed:`, error);
    }
  }
  if (writeDocs)
    await writeResults(
      rows,
      selected.map((f) => f.replace(/\.bench\.ts$/, "")),
    );
  process.exit(failures ? 1 : 0);
}

/**
 * Rows of benchmarks not run this time are kept, so one bench can be re-run on its own. Cells
 * may be padded (Biome's Markdown formatter aligns the table); the separator row is not a row.
 */
function keptRows(doc: string, ran: string[]): string[] {
  const block = doc.match(new RegExp(`${START}([\\s\\S]*?)${END}`))?.[1] ?? "";
  return block
    .split("\n")
    .filter((line) => /^\| +[a-z0-9][a-z0-9-]* +\|/.test(line) && !/^\| +benchmark +\|/.test(line))
    .filter((line) => !ran.includes(line.split("|")[1]!.trim()));
}

async function writeResults(newRows: string[], ran: string[]) {
  const doc = await fs.readFile(docsPath, "utf8").catch(() => `# Performance\n\n${START}\n${END}\n`);
  const benchOf = (row: string) => row.split("|")[1]!.trim();
  // Stable sort by benchmark only: each benchmark's rows keep their own order.
  const rows = [...keptRows(doc, ran), ...newRows].sort((a, b) => benchOf(a).localeCompare(benchOf(b)));
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const commit = (() => {
    try {
      return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    } catch {
      return "unknown";
    }
  })();
  const table = [
    START,
    `Last run: ${new Date().toISOString()} (${ran.join(", ")}) · commit ${commit} · ${os.cpus().length} × ${cpu} · Node ${process.versions.node}`,
    "",
    "| benchmark | measure | value | baseline (same run) | ratio | note |",
    "|---|---|---|---|---|---|",
    ...rows,
    END,
  ].join("\n");
  const next = doc.includes(START)
    ? doc.replace(new RegExp(`${START}[\\s\\S]*?${END}`), table)
    : `${doc}\n${table}\n`;
  await fs.writeFile(docsPath, next);
  process.stderr.write(`wrote ${docsPath}\n`);
}

void main();
