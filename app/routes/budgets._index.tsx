import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireAccess } from "~/modules/access/access.server";
import { budgetList } from "~/modules/budgets/budget-view.server";
import { pageTitle } from "~/i18n/title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, (t) => [t("nav.budgets")]);

/** `/budgets`: the local budgets in the user's scope. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:budgets");
  return json({ budgets: await budgetList(access), municipalities: access.municipalities });
}

export default function BudgetsPage() {
  const { budgets, municipalities } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <>
      <h1>{t("budgets.title")}</h1>
      <p className="hint">{t("budgets.intro")}</p>
      {budgets.length === 0 ? (
        <p>{t("budgets.none")}</p>
      ) : (
        <ul data-testid="budget-list">
          {budgets.map((b) => (
            <li key={`${b.municipalityCode}-${b.key}`}>
              <Link to={`/budgets/${b.municipalityCode}/${b.key}`}>{b.name}</Link>{" "}
              <span className="meta">{t("budgets.listDetails", { municipality: b.municipalityName, executor: b.executor })}</span>
            </li>
          ))}
        </ul>
      )}
      <h2>{t("square.title")}</h2>
      <p className="hint">{t("square.intro")}</p>
      <ul className="columns" data-testid="square-list">
        {municipalities.map((m) => (
          <li key={m.code}>
            <Link to={`/budgets/${m.code}`}>{m.name}</Link>
          </li>
        ))}
      </ul>
      <p>
        <Link to="/index-figures">{t("indexFigures.title")}</Link>
      </p>
    </>
  );
}
