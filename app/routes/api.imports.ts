import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { requireAccess } from "~/modules/access/access.server";
import { startDeclarationUpload } from "~/modules/imports/declaration-upload.server";

/**
 * POST /api/imports: the upload of the page's script. Streams the file to a
 * temporary file, starts the import in the background and answers
 * `202 {jobId}` at once; `GET /api/imports/<jobId>` tells how far it is.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  // The guard comes before the body is read.
  const access = await requireAccess(request, context, "import:declarations");
  if (request.method !== "POST") return json({ problem: "methodNotAllowed" }, { status: 405 });
  const started = await startDeclarationUpload(request, context, access);
  if (!started.ok) return json({ problem: started.problem }, { status: started.status, headers: started.headers });
  return json(
    { jobId: started.job.id, statusUrl: `/api/imports/${started.job.id}` },
    { status: 202, headers: { Location: `/api/imports/${started.job.id}` } },
  );
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAccess(request, context, "import:declarations");
  return json({ problem: "methodNotAllowed" }, { status: 405, headers: { Allow: "POST" } });
}
