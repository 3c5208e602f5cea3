import busboy from "busboy";
import type { PlateParseLimits } from "./parser-kit.js";
import { PlateParseError } from "./plate-errors.js";

export interface MultipartFile {
  fieldName: string;
  filename: string;
  mime: string;
  data: Buffer;
}

export interface MultipartField {
  name: string;
  value: string;
  mime: string;
}

export interface MultipartBody {
  fields: MultipartField[];
  files: MultipartFile[];
}

/**
 * Reads a whole multipart/form-data body already in memory. Pictures over the per-picture
 * cap and bodies with too many files are refused with their own codes. `extraFiles` allows
 * for non-picture file parts (Hikvision sends its XML as a file part).
 */
export function parseMultipart(
  body: Buffer,
  contentType: string,
  limits: PlateParseLimits,
  extraFiles = 1,
): Promise<MultipartBody> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { "content-type": contentType },
        limits: {
          fileSize: limits.maxPictureBytes,
          files: limits.maxPictures + extraFiles,
          fieldSize: limits.maxBodyBytes,
          parts: limits.maxPictures + extraFiles + 32,
        },
      });
    } catch (cause) {
      reject(new PlateParseError("malformed_multipart", cause instanceof Error ? cause.message : undefined));
      return;
    }
    const result: MultipartBody = { fields: [], files: [] };
    let failure: PlateParseError | null = null;
    const fail = (error: PlateParseError) => {
      failure ??= error;
    };
    parser.on("file", (fieldName, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("limit", () =>
        fail(
          new PlateParseError(
            "picture_too_large",
            `${info.filename ?? fieldName} > ${limits.maxPictureBytes}`,
          ),
        ),
      );
      stream.on("close", () => {
        result.files.push({
          fieldName,
          filename: info.filename ?? "",
          mime: (info.mimeType || "application/octet-stream").toLowerCase(),
          data: Buffer.concat(chunks),
        });
      });
    });
    parser.on("field", (name, value, info) => {
      result.fields.push({ name, value, mime: (info.mimeType || "text/plain").toLowerCase() });
    });
    parser.on("filesLimit", () => fail(new PlateParseError("too_many_pictures", `> ${limits.maxPictures}`)));
    parser.on("partsLimit", () => fail(new PlateParseError("malformed_multipart", "too many parts")));
    parser.on("error", (cause: unknown) =>
      reject(
        failure ??
          new PlateParseError("malformed_multipart", cause instanceof Error ? cause.message : undefined, {
            cause,
          }),
      ),
    );
    parser.on("close", () => (failure ? reject(failure) : resolve(result)));
    parser.end(body);
  });
}
