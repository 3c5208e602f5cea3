import { createHash } from "node:crypto";
import busboy from "busboy";
import type { Request } from "express";
import type { Queryable } from "../../db/pool.js";
import { AppError } from "../../http/errors.js";

export type ImageType = "image/jpeg" | "image/png" | "image/webp";

/** The image type from the file's first bytes; the declared content type and name are ignored. */
export function sniffImageType(bytes: Uint8Array): ImageType | null {
  const starts = (sig: number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
  if (starts([0xff, 0xd8, 0xff])) return "image/jpeg";
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  // RIFF <size> WEBP
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return "image/webp";
  return null;
}

export interface UploadedFile {
  fileName: string;
  bytes: Buffer;
}

export const tooLarge = (maxBytes: number) =>
  new AppError(413, "attachment_too_large", `Each attachment may be at most ${maxBytes} bytes.`, {
    maxBytes,
  });

/** Reads the files of a multipart/form-data request, refusing any larger than `maxBytes` (413). */
export function readMultipartFiles(
  req: Request,
  limits: { maxBytes: number; maxFiles: number },
): Promise<UploadedFile[]> {
  if (!req.is("multipart/form-data")) {
    return Promise.reject(
      new AppError(
        415,
        "multipart_required",
        "Upload attachments as multipart/form-data (field name: file).",
      ),
    );
  }
  return new Promise((resolve, reject) => {
    const files: UploadedFile[] = [];
    let failure: AppError | null = null;
    const parser = busboy({
      headers: req.headers,
      limits: { fileSize: limits.maxBytes, files: limits.maxFiles, fields: 10 },
    });
    parser.on("file", (_field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("limit", () => {
        failure ??= tooLarge(limits.maxBytes);
      });
      stream.on("close", () => {
        files.push({ fileName: info.filename ?? "file", bytes: Buffer.concat(chunks) });
      });
    });
    parser.on("filesLimit", () => {
      failure ??= new AppError(413, "too_many_attachments", `At most ${limits.maxFiles} files per upload.`);
    });
    parser.on("error", (cause) =>
      reject(
        new AppError(400, "malformed_multipart", "The multipart body could not be read.", undefined, {
          cause,
        }),
      ),
    );
    parser.on("close", () => {
      if (failure) reject(failure);
      else if (files.length === 0) reject(new AppError(400, "no_file", "The upload contains no file."));
      else resolve(files);
    });
    req.pipe(parser);
  });
}

export interface StoredAttachment {
  sha256: string;
  mediaType: ImageType;
  sizeBytes: number;
  fileName: string;
}

/** Checks every file's type by its bytes (415 if not JPEG/PNG/WebP) and stores it once by hash. */
export async function storeAttachments(
  db: Queryable,
  files: readonly UploadedFile[],
  userId: number | null,
): Promise<StoredAttachment[]> {
  const stored = files.map((f) => {
    const mediaType = sniffImageType(f.bytes);
    if (!mediaType) {
      throw new AppError(
        415,
        "unsupported_attachment_type",
        `${f.fileName} is not a JPEG, PNG or WebP image.`,
        { fileName: f.fileName },
      );
    }
    return {
      sha256: createHash("sha256").update(f.bytes).digest("hex"),
      mediaType,
      sizeBytes: f.bytes.length,
      fileName: f.fileName,
      bytes: f.bytes,
    };
  });
  await db.query(
    `INSERT INTO attachments (sha256, media_type, size_bytes, content, uploaded_by)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::bytea[], $5::bigint[])
     ON CONFLICT (sha256) DO NOTHING`,
    [
      stored.map((s) => s.sha256),
      stored.map((s) => s.mediaType),
      stored.map((s) => s.sizeBytes),
      stored.map((s) => s.bytes),
      stored.map(() => userId),
    ],
  );
  return stored.map(({ bytes: _bytes, ...rest }) => rest);
}

/** An attachment of the incident's timeline (or of an incident merged into it). */
export async function selectIncidentAttachment(
  db: Queryable,
  incidentId: number,
  sha256: string,
): Promise<{ media_type: string; content: Buffer } | null> {
  const { rows } = await db.query<{ media_type: string; content: Buffer }>(
    `SELECT a.media_type, a.content FROM attachments a
      WHERE a.sha256 = $2 AND EXISTS (
        SELECT 1 FROM incident_event_attachments ea JOIN incident_events e ON e.id = ea.event_id
         WHERE ea.sha256 = a.sha256
           AND (e.incident_id = $1 OR e.incident_id IN (SELECT id FROM incidents WHERE merged_into_id = $1)))`,
    [incidentId, sha256],
  );
  return rows[0] ?? null;
}

/** Deletes uploads never linked to a timeline event after a grace period (abandoned forms). */
export async function deleteOrphanAttachments(db: Queryable, olderThan: Date): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM attachments a WHERE a.created_at < $1
        AND NOT EXISTS (SELECT 1 FROM incident_event_attachments ea WHERE ea.sha256 = a.sha256)`,
    [olderThan],
  );
  return rowCount ?? 0;
}
