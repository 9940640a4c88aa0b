import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useFormat } from "~/i18n/useFormat";
import { requireAccess } from "~/modules/access/access.server";
import { pageTitle } from "~/i18n/title";
import { populationSourceLabel } from "~/i18n/stored";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => pageTitle(matches, (t) => [t("nav.municipalities"), data?.municipality.name]);

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:municipality");
  const municipality = access.requireMunicipality(params.code ?? "");
  const population = await access.run((trx) =>
    trx
      .selectFrom("population")
      .select(["year", "inhabitants_0_17", "source"])
      .where("municipality_code", "=", municipality.code)
      .orderBy("year", "desc")
      .execute(),
  );
  return json({ municipality, population });
}

export default function MunicipalityPage() {
  const { municipality, population } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <>
      <h1 data-testid="municipality-name">{municipality.name}</h1>
      <dl className="facts">
        <dt>{t("municipality.code")}</dt>
        <dd>{municipality.code}</dd>
      </dl>
      <h2>{t("municipality.populationTitle")}</h2>
      {population.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("municipality.year")}</th>
              <th scope="col" className="num">
                {t("municipality.inhabitants")}
              </th>
              <th scope="col">{t("municipality.source")}</th>
            </tr>
          </thead>
          <tbody>
            {population.map((row) => (
              <tr key={row.year}>
                <td>{row.year}</td>
                <td className="num">{format.number(row.inhabitants_0_17)}</td>
                <td>{populationSourceLabel(t, row.source)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{t("municipality.noPopulation")}</p>
      )}
    </>
  );
}
