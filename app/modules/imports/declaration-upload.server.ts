import type { AppLoadContext } from "@remix-run/node";
import type { RequestAccess } from "~/modules/access/access.server";
import { DECIMAL_CHOICES, IMPORT_MODES, type UploadProblem } from "./import-view";
import { presenceOf } from "~db/connect";
import { startImportJob, type StartedJob } from "./jobs.server";
import { uploadDirectoryOf } from "./leftovers.server";
import { receiveUploadToDisk, removeStaleUploads, removeUpload, uploadProblemHeaders } from "./upload.server";

/** No upload or import takes this long: an older temporary file was left behind. */
const STALE_UPLOAD_MS = 6 * 60 * 60 * 1000;

const STATUS: Record<UploadProblem, number> = { noFile: 400, tooLarge: 413, invalidOptions: 400 };

export function uploadDirectory(context: AppLoadContext): string {
  return uploadDirectoryOf(context.config.dataDir);
}

/**
 * Receives a declaration upload (streamed to a temporary file, at most
 * IMPORT_MAX_MB) and starts its import as a background job. The caller has
 * checked the permission already: `access` is the guard's answer.
 */
export async function startDeclarationUpload(
  request: Request,
  context: AppLoadContext,
  access: RequestAccess,
): Promise<{ ok: true; job: StartedJob } | { ok: false; problem: UploadProblem; status: number; headers: HeadersInit }> {
  const directory = uploadDirectory(context);
  await removeStaleUploads(directory, STALE_UPLOAD_MS);
  const received = await receiveUploadToDisk(request, {
    directory,
    maxBytes: context.config.importMaxBytes,
    fields: ["mode", "decimal", "identical", "delivered_on"],
    owner: presenceOf(context.db).id,
  });
  if (!received.ok) {
    return {
      ok: false,
      problem: received.problem,
      status: STATUS[received.problem],
      headers: uploadProblemHeaders(received.problem),
    };
  }
  const mode = received.fields.mode ?? "append";
  const decimal = received.fields.decimal ?? "auto";
  // The page's checkbox sends "refuse"; without it identical lines are imported with a warning.
  const identical = received.fields.identical ?? "warn";
  if (
    !(IMPORT_MODES as readonly string[]).includes(mode) ||
    !(DECIMAL_CHOICES as readonly string[]).includes(decimal) ||
    !["warn", "refuse"].includes(identical)
  ) {
    await removeUpload(received.file);
    return { ok: false, problem: "invalidOptions", status: STATUS.invalidOptions, headers: {} };
  }
  const job = await startImportJob({
    db: context.db,
    bulk: context.bulk,
    actor: access.actor,
    source: { upload: received.file },
    uploadDir: directory,
    // An empty date field means the day of import; a bad one is refused by the import, with its reason.
    importOptions: { maxLineLength: context.config.importMaxLineLength, deliveredOn: received.fields.delivered_on?.trim() || undefined },
    mode: mode as (typeof IMPORT_MODES)[number],
    decimal: decimal === "auto" ? undefined : (decimal as "comma" | "point"),
    pseudonymKey: context.config.pseudonymKey,
    logger: context.logger,
    maxLineLength: context.config.importMaxLineLength,
    refuseIdenticalLines: identical === "refuse",
  });
  return { ok: true, job };
}
