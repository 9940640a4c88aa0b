import { todayInAmsterdam } from "@jeugdregio/format";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireAccess } from "~/modules/access/access.server";
import { catalogXlsx } from "~/modules/catalog/catalog-queries.server";
import { attachment, XLSX_TYPE } from "~/modules/export/files.server";

/** The whole catalogue as an Excel workbook in the import format. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:catalog");
  const bytes = await access.run((trx) => catalogXlsx(trx));
  return attachment(bytes, `catalogus-${todayInAmsterdam()}.xlsx`, XLSX_TYPE);
}

export async function action({ request, context }: LoaderFunctionArgs) {
  await requireAccess(request, context, "manage:catalog");
  throw new Response("Method Not Allowed", { status: 405 });
}
