import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useFormat } from "~/i18n/useFormat";
import { requireAccess } from "~/modules/access/access.server";
import { notFound } from "~/modules/http.server";
import { findBatch } from "~/modules/imports/batches.server";
import { pageTitle } from "~/i18n/title";
import { actorLabel } from "~/i18n/stored";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => pageTitle(matches, (t) => [data ? t("imports.batchTitle", { file: data.batch.fileName }) : t("nav.imports")]);

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "import:declarations");
  const batch = await access.run((trx) => findBatch(trx, params.id ?? ""));
  if (!batch) throw notFound();
  return json({ batch });
}

/** No form of its own (rolling back has its own page); the guard still answers first. */
export async function action({ request, context }: ActionFunctionArgs) {
  await requireAccess(request, context, "import:declarations");
  throw new Response("Method Not Allowed", { status: 405 });
}

export default function BatchDetail() {
  const { batch } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <>
      <p>
        <Link to="/imports">{t("imports.backToImports")}</Link>
      </p>
      <h1>{t("imports.batchTitle", { file: batch.fileName })}</h1>
      <dl className="facts" data-testid="batch-facts">
        <dt>{t("imports.when")}</dt>
        <dd>{format.dateTime(batch.importedAt)}</dd>
        <dt>{t("imports.deliveredOn")}</dt>
        <dd data-testid="batch-delivered-on">{format.date(batch.deliveredOn)}</dd>
        <dt>{t("imports.who")}</dt>
        <dd>{actorLabel(t, batch.importedBy)}</dd>
        <dt>{t("imports.modeColumn")}</dt>
        <dd>{batch.mode === "replace" ? t("imports.modeReplace") : t("imports.modeAppend")}</dd>
        <dt>{t("imports.lines")}</dt>
        <dd data-testid="batch-lines">{format.number(batch.lines)}</dd>
        <dt>{t("imports.currentLines")}</dt>
        <dd data-testid="batch-current-lines">{format.number(batch.currentLines)}</dd>
        <dt>{t("imports.total")}</dt>
        <dd data-testid="batch-total">{format.money(batch.totalAmount)}</dd>
        <dt>{t("imports.status")}</dt>
        <dd data-testid="batch-status">
          {batch.status === "rolled_back"
            ? `${t("imports.statusRolledBack")} – ${t("imports.rolledBackBy", {
                when: batch.rolledBackAt ? format.dateTime(batch.rolledBackAt) : "",
                who: actorLabel(t, batch.rolledBackBy),
              })}`
            : t("imports.statusCommitted")}
        </dd>
      </dl>

      <h2 id="municipalities-title">{t("imports.perMunicipalityTitle")}</h2>
      {batch.municipalities.length ? (
        <table data-testid="batch-municipalities" aria-labelledby="municipalities-title">
          <thead>
            <tr>
              <th scope="col">{t("imports.municipality")}</th>
              <th scope="col" className="num">
                {t("imports.lines")}
              </th>
              <th scope="col" className="num">
                {t("imports.amount")}
              </th>
              <th scope="col">{t("imports.months")}</th>
            </tr>
          </thead>
          <tbody>
            {batch.municipalities.map((m) => (
              <tr key={m.code} data-code={m.code}>
                <th scope="row">{m.name}</th>
                <td className="num">{format.number(m.lines)}</td>
                <td className="num">{format.money(m.amount)}</td>
                <td>{m.months.join(", ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{t("imports.noMunicipalities")}</p>
      )}

      {batch.status === "committed" ? (
        <p>
          <Link to={`/imports/batches/${batch.id}/rollback`} className="button danger">
            {t("imports.rollback")}
          </Link>
        </p>
      ) : null}
    </>
  );
}
