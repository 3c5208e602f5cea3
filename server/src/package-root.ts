import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The server package folder, whether we run from src/ (tsx, tests) or dist/ (build). */
export const serverRoot = findUp(path.dirname(fileURLToPath(import.meta.url)), "package.json");
export const repoRoot = path.resolve(serverRoot, "..");

function findUp(start: string, marker: string): string {
  let dir = start;
  while (!existsSync(path.join(dir, marker))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`${marker} not found above ${start}`);
    dir = parent;
  }
  return dir;
}
