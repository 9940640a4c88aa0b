import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { detectLanguage } from "~/i18n/language.server";
import { requireAccess } from "~/modules/access/access.server";
import { notFound } from "~/modules/http.server";
import { spreadsheetAnswer } from "~/modules/reports/report-export.server";
import { reviewRows, roadmapJson, roadmapRows } from "~/modules/roadmap/roadmap-export.server";
import { thisMonth } from "~/modules/roadmap/roadmap.server";

/**
 * `/roadmap/export?table=tracks|reviews&format=json|csv|xlsx`: the roadmap and the reviews as
 * files. JSON is the CLI's `report roadmap --format json` (both tables); CSV/XLSX one row per
 * track step or per review entry, with the keys of the JSON as column names.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:roadmap");
  const url = new URL(request.url);
  const format = url.searchParams.get("format");
  const table = url.searchParams.get("table") ?? "tracks";
  if (table !== "tracks" && table !== "reviews") throw notFound();
  const roadmap = await access.run((trx) => roadmapJson(trx, thisMonth()));
  if (format === "json") {
    return json(roadmap, { headers: { "Content-Disposition": `attachment; filename="roadmap-${roadmap.today}.json"` } });
  }
  const records: Record<string, string | number | boolean | null>[] = table === "tracks" ? roadmapRows(roadmap) : reviewRows(roadmap);
  const header = Object.keys(records[0] ?? (table === "tracks" ? { track: "" } : { id: "" }));
  const rows = [header, ...records.map((r) => header.map((column) => r[column] ?? null))];
  return spreadsheetAnswer(format, await detectLanguage(request, access.user.language), rows as never, `${table === "tracks" ? "roadmap" : "reviews"}-${roadmap.today}`);
}
