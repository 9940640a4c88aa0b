import { randomUUID } from "node:crypto";
import { readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { storableName } from "@jeugdregio/tabular";
import {
  MaxPartSizeExceededError,
  NodeOnDiskFile,
  unstable_createFileUploadHandler,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type UploadHandler,
  type UploadHandlerPart,
} from "@remix-run/node";

/** Routes take it from here, a server-only module: importing @jeugdregio/tabular in a route put csv-parse in the browser bundle, which needs Node's Buffer as it loads (the page never hydrated). */
export { storableName };

/**
 * Multipart uploads with one file field named `file` and a few short text
 * fields. Anything else in the body is read and dropped (counted against the
 * size limit), so a stray part can neither fill memory nor the disk.
 */

const FIELD_MAX_BYTES = 1024;
const FILE_FIELD = "file";

export type UploadFailure = { ok: false; problem: "noFile" | "tooLarge" };

export interface StoredUpload {
  /** The temporary file on disk; the caller deletes it when done. */
  path: string;
  /** The name the user's file had (base name only). */
  name: string;
  size: number;
}

export type DiskUploadResult = { ok: true; file: StoredUpload; fields: Record<string, string> } | UploadFailure;
export type MemoryUploadResult =
  | { ok: true; file: { name: string; bytes: Uint8Array }; fields: Record<string, string> }
  | UploadFailure;

async function drain(part: UploadHandlerPart, maxBytes: number) {
  let size = 0;
  for await (const chunk of part.data) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new MaxPartSizeExceededError(part.name, maxBytes);
  }
}

/**
 * The file part goes to `fileHandler` and its result to `onFile` (kept out of
 * FormData: Node's own FormData would copy an on-disk file into a Blob).
 */
function handler(
  fields: readonly string[],
  maxBytes: number,
  fileHandler: UploadHandler,
  onFile: (value: unknown) => void,
): UploadHandler {
  const text = unstable_createMemoryUploadHandler({ maxPartSize: FIELD_MAX_BYTES });
  let fileTaken = false;
  return async (part) => {
    if (part.name === FILE_FIELD && part.filename && !fileTaken) {
      fileTaken = true;
      onFile(await fileHandler(part));
      return undefined;
    }
    if (part.filename === undefined && fields.includes(part.name)) return text(part);
    await drain(part, maxBytes);
    return undefined;
  };
}

function failure(error: unknown): UploadFailure | null {
  if (error instanceof MaxPartSizeExceededError) return { ok: false, problem: "tooLarge" };
  // Not a multipart body, or a broken one: there is no file to import.
  if (error instanceof TypeError) return { ok: false, problem: "noFile" };
  if (error instanceof Error && /^malformed multipart/i.test(error.message)) return { ok: false, problem: "noFile" };
  return null;
}

function textFields(form: FormData, fields: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of fields) {
    const value = form.get(name);
    if (typeof value === "string") values[name] = value;
  }
  return values;
}

/**
 * Streams the file to a new file under `directory` (never held in memory);
 * over `maxBytes` the partial file is removed and the answer is `tooLarge`.
 */
export async function receiveUploadToDisk(
  request: Request,
  options: {
    directory: string;
    maxBytes: number;
    fields: readonly string[];
    /** The receiving process's presence id, in the file's name: a clean-up removes files of dead processes only. */
    owner?: string;
  },
): Promise<DiskUploadResult> {
  let originalName = "";
  let storedPath: string | null = null;
  const toDisk = unstable_createFileUploadHandler({
    directory: options.directory,
    maxPartSize: options.maxBytes,
    avoidFileConflicts: true,
    // Our own name on disk (the user's name is kept aside): no path tricks, the extension stays.
    file: ({ filename }) => {
      originalName = filename ?? "";
      const extension = path.extname(originalName).toLowerCase();
      const owner = options.owner && /^[0-9a-f-]{36}$/.test(options.owner) ? `${options.owner}-` : "";
      const name = `upload-${owner}${randomUUID()}${/^\.[a-z0-9]{1,8}$/.test(extension) ? extension : ""}`;
      storedPath = path.join(options.directory, name);
      return name;
    },
  });
  let form: FormData;
  let stored: unknown = null;
  try {
    form = await unstable_parseMultipartFormData(
      request,
      handler(options.fields, options.maxBytes, toDisk, (value) => (stored = value)),
    );
  } catch (error) {
    if (storedPath) await rm(storedPath, { force: true });
    const known = failure(error);
    if (known) return known;
    throw error;
  }
  const filePath = stored instanceof NodeOnDiskFile ? stored.getFilePath() : null;
  const size = filePath ? (await stat(filePath)).size : 0;
  if (!filePath || size === 0) {
    if (filePath) await rm(filePath, { force: true });
    return { ok: false, problem: "noFile" };
  }
  // The user's name is stored and shown: no control characters (NUL cannot be stored at all).
  return { ok: true, file: { path: filePath, name: storableName(originalName), size }, fields: textFields(form, options.fields) };
}

/** Small files (the catalogue) are read into memory, up to `maxBytes`. */
export async function receiveUploadToMemory(
  request: Request,
  options: { maxBytes: number; fields: readonly string[] },
): Promise<MemoryUploadResult> {
  const toMemory = unstable_createMemoryUploadHandler({ maxPartSize: options.maxBytes });
  let form: FormData;
  let file: unknown = null;
  try {
    form = await unstable_parseMultipartFormData(
      request,
      handler(options.fields, options.maxBytes, toMemory, (value) => (file = value)),
    );
  } catch (error) {
    const known = failure(error);
    if (known) return known;
    throw error;
  }
  if (!(file instanceof File) || file.size === 0) return { ok: false, problem: "noFile" };
  return {
    ok: true,
    file: { name: storableName(file.name), bytes: new Uint8Array(await file.arrayBuffer()) },
    fields: textFields(form, options.fields),
  };
}

/**
 * Headers for an answer given before the whole body was read (too large): the
 * rest of the body is not read, so the connection cannot carry another request.
 */
export function uploadProblemHeaders(problem: UploadFailure["problem"]): HeadersInit {
  return problem === "tooLarge" ? { Connection: "close" } : {};
}

const UPLOAD_NAME = /^upload-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\.[a-z0-9]{1,8})?$/;

/**
 * Removes temporary uploads older than `maxAgeMs` that a crash or restart left
 * behind (they may hold BSNs in the clear). Only our own file names; never fails.
 */
export async function removeStaleUploads(directory: string, maxAgeMs: number, now = Date.now()): Promise<void> {
  const names = await readdir(directory).catch(() => [] as string[]);
  for (const name of names) {
    if (!UPLOAD_NAME.test(name)) continue;
    const file = path.join(directory, name);
    const info = await stat(file).catch(() => null);
    if (info && now - info.mtimeMs > maxAgeMs) await rm(file, { force: true }).catch(() => undefined);
  }
}

/** Removes a temporary upload; never fails. */
export async function removeUpload(file: StoredUpload): Promise<void> {
  await rm(file.path, { force: true }).catch(() => undefined);
}
