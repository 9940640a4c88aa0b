import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { requireAccess } from "~/modules/access/access.server";
import { notFound } from "~/modules/http.server";
import { findJob } from "~/modules/imports/jobs.server";
import { toJobView } from "~/modules/imports/outcome.server";

/** GET /api/imports/<jobId>: progress and, once done, the result of an import job (from its row: any app server answers). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "import:declarations");
  const job = await findJob(context.db, access.run, params.jobId ?? "", access.user);
  if (!job) throw notFound();
  return json(toJobView(job, access.municipalities), { headers: { "Cache-Control": "no-store" } });
}
