import { json, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FileField } from "~/components/FileField";
import { IssueTable } from "~/components/imports/IssueTable";
import { useFormat } from "~/i18n/useFormat";
import { requireAccess } from "~/modules/access/access.server";
import {
  listCatalog,
  MAX_CATALOG_FILE_BYTES,
  parseCatalogFilter,
  segmentOptions,
  UNASSIGNED,
} from "~/modules/catalog/catalog-queries.server";
import { importCatalog } from "~/modules/catalog/catalog.server";
import type { IssueView } from "~/modules/imports/import-view";
import { toIssueView } from "~/modules/imports/outcome.server";
import { receiveUploadToMemory, uploadProblemHeaders } from "~/modules/imports/upload.server";
import { pageTitle } from "~/i18n/title";

const MAX_MEGABYTES = MAX_CATALOG_FILE_BYTES / (1024 * 1024);

/** A refused upload whose body was not read to the end closes the connection (see `uploadProblemHeaders`). */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const connection = actionHeaders.get("Connection");
  const headers = new Headers();
  if (connection) headers.set("Connection", connection);
  return headers;
};

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, (t) => [t("nav.catalog")]);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "manage:catalog");
  const filter = parseCatalogFilter(new URL(request.url).searchParams);
  const [{ products, total }, segments] = await access.run((trx) => Promise.all([listCatalog(trx, filter), segmentOptions(trx)]));
  return json({ filter, products, total, segments, maxMegabytes: MAX_MEGABYTES });
}

type ActionResult =
  | { outcome: "imported"; products: number; mappings: number; notices: IssueView[] }
  | { outcome: "rejected"; errors: IssueView[]; notices: IssueView[] }
  | { outcome: "noFile" | "tooLarge" };

export async function action({ request, context }: ActionFunctionArgs) {
  // The guard comes before the body is read.
  const access = await requireAccess(request, context, "manage:catalog");
  const received = await receiveUploadToMemory(request, { maxBytes: MAX_CATALOG_FILE_BYTES, fields: [] });
  if (!received.ok) {
    return json<ActionResult>(
      { outcome: received.problem },
      { status: received.problem === "tooLarge" ? 413 : 400, headers: uploadProblemHeaders(received.problem) },
    );
  }
  const actor = access.actor;
  const result = await access.run((trx) => importCatalog(trx, actor, received.file));
  if (!result.ok) {
    return json<ActionResult>(
      { outcome: "rejected", errors: result.errors.map(toIssueView), notices: result.notices.map(toIssueView) },
      { status: 400 },
    );
  }
  return json<ActionResult>({
    outcome: "imported",
    products: result.products,
    mappings: result.mappings,
    notices: result.notices.map(toIssueView),
  });
}

export default function Catalog() {
  const { filter, products, total, segments, maxMegabytes } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const location = useLocation();
  const { t } = useTranslation();
  const format = useFormat();
  const english = format.language === "en";
  const segmentName = new Map(segments.map((s) => [s.key, english ? s.nameEn : s.nameNl]));
  const fileProblem = result?.outcome === "noFile" || result?.outcome === "tooLarge";
  const labels = {
    line: t("catalog.line"),
    column: t("catalog.column"),
    problem: t("catalog.problem"),
    value: t("catalog.value"),
  };
  const filtered = Boolean(filter.q || filter.segment);

  return (
    <>
      <h1>{t("catalog.title")}</h1>
      <p>{t("catalog.intro")}</p>

      <section aria-labelledby="search-title">
        <h2 id="search-title">{t("catalog.searchTitle")}</h2>
        <Form method="get" className="filters" role="search" aria-labelledby="search-title">
          <label>
            {t("catalog.search")}
            <input type="search" name="q" defaultValue={filter.q} maxLength={100} />
          </label>
          <label>
            {t("catalog.segmentFilter")}
            <select name="segment" defaultValue={filter.segment}>
              <option value="">{t("catalog.allSegments")}</option>
              {segments.map((s) => (
                <option key={s.key} value={s.key}>
                  {english ? s.nameEn : s.nameNl}
                </option>
              ))}
              <option value={UNASSIGNED}>{t("catalog.unassigned")}</option>
            </select>
          </label>
          <button type="submit" className="primary">
            {t("catalog.filterSubmit")}
          </button>
          {filtered ? <Link to="/catalog">{t("catalog.clearFilter")}</Link> : null}
        </Form>
        <p role="status" data-testid="catalog-count">
          {t("catalog.count", { count: products.length, total })}
        </p>
        {products.length ? (
          <div className="table-scroll">
            <table data-testid="catalog-products">
              <caption className="visually-hidden">{t("catalog.caption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("catalog.code")}</th>
                  <th scope="col">{t("catalog.nameNl")}</th>
                  <th scope="col">{t("catalog.nameEn")}</th>
                  <th scope="col">{t("catalog.category")}</th>
                  <th scope="col">{t("catalog.segment")}</th>
                  <th scope="col" className="num">
                    {t("catalog.overrides")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {products.map((p) => (
                  <tr key={p.code} data-code={p.code} data-segment={p.segment ?? UNASSIGNED}>
                    <th scope="row">
                      <Link to={`/catalog/${p.code}`}>{p.code}</Link>
                    </th>
                    <td lang="nl">{p.nameNl}</td>
                    <td lang="en">{p.nameEn}</td>
                    <td>
                      {p.category.code} {english ? p.category.nameEn : p.category.nameNl}
                    </td>
                    <td>
                      {p.segment === null
                        ? t("catalog.segmentNone")
                        : p.segment === "unmapped"
                        ? t("catalog.segmentUnmapped")
                        : segmentName.get(p.segment) ?? p.segment}
                    </td>
                    <td className="num">{format.number(p.overrides)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p>{t("catalog.noProducts")}</p>
        )}
      </section>

      <section aria-labelledby="download-title">
        <h2 id="download-title">{t("catalog.downloadTitle")}</h2>
        <p>{t("catalog.downloadIntro")}</p>
        <ul className="inline-actions">
          <li>
            <a href="/catalog/download.csv" className="button" download data-testid="download-csv">
              {t("catalog.downloadCsv")}
            </a>
          </li>
          <li>
            <a href="/catalog/download.xlsx" className="button" download data-testid="download-xlsx">
              {t("catalog.downloadXlsx")}
            </a>
          </li>
        </ul>
      </section>

      <section aria-labelledby="upload-title">
        <h2 id="upload-title">{t("catalog.uploadTitle")}</h2>
        <p>{t("catalog.uploadIntro")}</p>
        {result?.outcome === "imported" ? (
          <p className="message success" role="status" data-testid="catalog-success">
            {t("catalog.success", { products: result.products, mappings: result.mappings })}
          </p>
        ) : null}
        {result?.outcome === "rejected" ? (
          <div className="message error" data-testid="catalog-failed">
            <p role="alert">{t("catalog.failed")}</p>
            <IssueTable
              issues={result.errors}
              caption={t("catalog.errorsTitle")}
              namespace="catalog.errors"
              labels={labels}
              testId="catalog-errors"
            />
          </div>
        ) : null}
        {result && "notices" in result && result.notices.length ? (
          <IssueTable
            issues={result.notices}
            caption={t("catalog.notices")}
            namespace="catalog.errors"
            labels={labels}
            testId="catalog-notices"
          />
        ) : null}
        {/* Re-mounted after every answer, so the file input is empty again. */}
        <Form method="post" encType="multipart/form-data" className="stacked" key={location.key} replace>
          <FileField
            id="catalog-file"
            label={t("catalog.file")}
            hint={t("catalog.fileHint", { max: maxMegabytes })}
            problem={fileProblem ? (result.outcome === "tooLarge" ? t("catalog.tooLarge", { max: maxMegabytes }) : t("catalog.noFile")) : null}
          />
          <div>
            <button type="submit" className="primary" disabled={navigation.state === "submitting"}>
              {t("catalog.submit")}
            </button>
          </div>
        </Form>
      </section>
    </>
  );
}
