import type { LoaderFunctionArgs } from "@remix-run/node";
import { detectLanguage } from "~/i18n/language.server";
import { i18nServer } from "~/i18n/i18n.server";
import { requireAccess } from "~/modules/access/access.server";
import { notFound } from "~/modules/http.server";
import { issueReason } from "~/modules/imports/import-view";
import { findJob } from "~/modules/imports/jobs.server";
import { attachment, CSV_TYPE, toCsv } from "~/modules/export/files.server";

/** GET /api/imports/<jobId>/errors.csv: every error of a refused file, translated, for Excel. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "import:declarations");
  const job = await findJob(context.db, access.run, params.jobId ?? "", access.user);
  if (!job || !job.result || job.result.ok) throw notFound();
  const language = await detectLanguage(request, access.user.language);
  const t = await i18nServer.getFixedT(language);
  const translate = (key: string, options?: Record<string, unknown>) => String(t(key, options));
  // Kept as safe views already (no BSN).
  const rows = job.result.allErrors.map((view) => {
    return [view.line, view.column, view.code, issueReason(translate, "imports.errors", view), view.value ?? null];
  });
  const header = ["imports.csv.line", "imports.csv.column", "imports.csv.code", "imports.csv.reason", "imports.csv.value"].map(
    (key) => translate(key),
  );
  return attachment(toCsv([header, ...rows]), "import-errors.csv", CSV_TYPE);
}
