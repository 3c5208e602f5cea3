import { Unzip, UnzipInflate, type Zippable, zipSync } from "fflate";
import { CellIoError } from "./errors.js";

export interface ZipLimits {
  /** Largest accepted archive (bytes). */
  maxFileBytes: number;
  /** Most entries an archive may list. */
  maxEntries: number;
  /** Largest size of one extracted entry (bytes). */
  maxEntryBytes: number;
  /** Largest total of extracted entries (bytes). */
  maxTotalBytes: number;
  /** Highest extracted/compressed ratio of the whole archive once past 1 MB extracted. */
  maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxFileBytes: 200 * 1024 * 1024,
  maxEntries: 64,
  maxEntryBytes: 512 * 1024 * 1024,
  maxTotalBytes: 1024 * 1024 * 1024,
  maxRatio: 200,
};

/**
 * Extracts the entries `wanted` accepts, counting real inflated bytes as they come (the
 * sizes a zip declares can lie), and stops at the first limit crossed.
 */
export function safeUnzip(
  archive: Uint8Array,
  wanted: (name: string) => boolean,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): Map<string, Uint8Array> {
  if (archive.byteLength > limits.maxFileBytes) {
    throw new CellIoError(
      "file_too_large",
      `The archive is ${archive.byteLength} bytes; the limit is ${limits.maxFileBytes}.`,
    );
  }
  const out = new Map<string, Uint8Array>();
  let entries = 0;
  let total = 0;
  // fflate reports an exception thrown from a data callback as an inflate error on the
  // same callback; the first limit crossed is kept so that it, not a follow-on, is reported.
  let refused: CellIoError | null = null;
  const refuse = (error: CellIoError): never => {
    refused ??= error;
    throw refused;
  };
  const unzip = new Unzip((file) => {
    entries += 1;
    if (entries > limits.maxEntries) {
      throw new CellIoError(
        "zip_too_many_entries",
        `The archive lists more than ${limits.maxEntries} entries.`,
      );
    }
    if (!wanted(file.name)) return;
    if (file.originalSize !== undefined && file.originalSize > limits.maxEntryBytes) {
      throw new CellIoError(
        "zip_entry_too_large",
        `Entry ${file.name} declares ${file.originalSize} bytes; the limit is ${limits.maxEntryBytes}.`,
      );
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    file.ondata = (err, chunk, final) => {
      if (refused) throw refused;
      if (err)
        throw new CellIoError("zip_unreadable", `Entry ${file.name} cannot be inflated: ${err.message}`);
      size += chunk.byteLength;
      total += chunk.byteLength;
      if (size > limits.maxEntryBytes) {
        refuse(
          new CellIoError(
            "zip_entry_too_large",
            `Entry ${file.name} inflates past ${limits.maxEntryBytes} bytes.`,
          ),
        );
      }
      if (
        total > limits.maxTotalBytes ||
        (total > 1024 * 1024 && total / archive.byteLength > limits.maxRatio)
      ) {
        refuse(
          new CellIoError(
            "zip_bomb",
            `The archive inflates to more than ${limits.maxRatio}× its size (or past ${limits.maxTotalBytes} bytes): refused as a zip bomb.`,
          ),
        );
      }
      chunks.push(chunk);
      if (final) out.set(file.name, concat(chunks, size));
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  try {
    unzip.push(archive, true);
  } catch (cause) {
    if (refused) throw refused;
    if (cause instanceof CellIoError) throw cause;
    throw new CellIoError(
      "zip_unreadable",
      `The file is not a readable zip archive (${(cause as Error).message}).`,
      undefined,
      { cause },
    );
  }
  return out;
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.byteLength;
  }
  return out;
}

export function zipFiles(files: Record<string, Uint8Array>): Uint8Array {
  const input: Zippable = {};
  for (const [name, bytes] of Object.entries(files)) input[name] = [bytes, { level: 6 }];
  return zipSync(input);
}
