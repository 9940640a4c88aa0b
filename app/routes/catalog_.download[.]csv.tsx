import { todayInAmsterdam } from "@jeugdregio/format";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireAccess } from "~/modules/access/access.server";
import { catalogCsv } from "~/modules/catalog/catalog-queries.server";
import { attachment, CSV_TYPE } from "~/modules/export/files.server";

/** The whole catalogue as CSV in the import format, importable again as it is. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:catalog");
  const csv = await access.run((trx) => catalogCsv(trx));
  return attachment(csv, `catalogus-${todayInAmsterdam()}.csv`, CSV_TYPE);
}

/** Nothing to post here; the guard still answers first. */
export async function action({ request, context }: LoaderFunctionArgs) {
  await requireAccess(request, context, "manage:catalog");
  throw new Response("Method Not Allowed", { status: 405 });
}
