import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useFormat } from "~/i18n/useFormat";
import { requireAccess } from "~/modules/access/access.server";
import { productHistory, segmentOptions } from "~/modules/catalog/catalog-queries.server";
import { notFound } from "~/modules/http.server";
import { pageTitle } from "~/i18n/title";

const PRODUCT_CODE = /^\d{2}[A-Z0-9]{3}$/;

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => pageTitle(matches, (t) => [data ? t("catalog.historyTitle", { code: data.product.code }) : t("nav.catalog")]);

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:catalog");
  const code = params.code ?? "";
  if (!PRODUCT_CODE.test(code)) throw notFound();
  const [product, segments] = await access.run((trx) => Promise.all([productHistory(trx, code), segmentOptions(trx)]));
  if (!product) throw notFound();
  return json({ product, segments, municipalities: access.municipalities });
}

export default function ProductHistory() {
  const { product, segments, municipalities } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const format = useFormat();
  const english = format.language === "en";
  const segmentName = new Map(segments.map((s) => [s.key, english ? s.nameEn : s.nameNl]));
  const municipalityName = new Map(municipalities.map((m) => [m.code, m.name]));
  return (
    <>
      <p>
        <Link to="/catalog">{t("catalog.backToList")}</Link>
      </p>
      <h1>{t("catalog.historyTitle", { code: product.code })}</h1>
      <dl className="facts">
        <dt>{t("catalog.nameNl")}</dt>
        <dd lang="nl">{product.nameNl}</dd>
        <dt>{t("catalog.nameEn")}</dt>
        <dd lang="en">{product.nameEn}</dd>
        <dt>{t("catalog.category")}</dt>
        <dd>
          {product.category.code} {english ? product.category.nameEn : product.category.nameNl}
        </dd>
      </dl>
      <p id="history-intro">{t("catalog.historyIntro")}</p>
      {product.rows.length ? (
        <table data-testid="product-history" aria-describedby="history-intro">
          <thead>
            <tr>
              <th scope="col">{t("catalog.validFrom")}</th>
              <th scope="col">{t("catalog.validTo")}</th>
              <th scope="col">{t("catalog.municipality")}</th>
              <th scope="col">{t("catalog.segment")}</th>
              <th scope="col">{t("catalog.current")}</th>
            </tr>
          </thead>
          <tbody>
            {product.rows.map((row, index) => (
              <tr
                key={index}
                data-municipality={row.municipalityCode ?? ""}
                data-from={row.validFrom}
                data-current={row.current || undefined}
              >
                <td>{format.date(row.validFrom)}</td>
                <td>{row.validTo ? format.date(row.validTo) : t("catalog.openEnded")}</td>
                <td>
                  {row.municipalityCode
                    ? municipalityName.get(row.municipalityCode) ?? row.municipalityCode
                    : t("catalog.regional")}
                </td>
                <td>{row.segment ? segmentName.get(row.segment) ?? row.segment : t("catalog.segmentNone")}</td>
                <td>{row.current ? t("catalog.currentYes") : null}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{t("catalog.noMappings")}</p>
      )}
    </>
  );
}
