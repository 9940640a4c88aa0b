import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useFormat } from "~/i18n/useFormat";
import { requireAccess } from "~/modules/access/access.server";
import { latestAuditEvent } from "~/modules/audit/audit.server";
import { lastDeclarationImport } from "~/modules/imports/batches.server";
import { pageTitle } from "~/i18n/title";
import { actorLabel } from "~/i18n/stored";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, (t) => [t("nav.home")]);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context);
  const { user } = access;
  const facts = await access.run(async (trx) => {
    if (access.can("manage:user")) {
      const row = await trx
        .selectFrom("app_user")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("disabled_at", "is", null)
        .executeTakeFirstOrThrow();
      return { activeUsers: Number(row.n), populationUpdated: null, lastPopulationImport: null, declarationsImported: null };
    }
    // Row-level security limits these to the municipalities in scope.
    const population = await trx
      .selectFrom("population")
      .select((eb) => eb.fn.max("updated_at").as("updated"))
      .executeTakeFirst();
    const declarationsImported = await lastDeclarationImport(trx);
    const lastImport = access.can("import:population") ? await latestAuditEvent(trx, "population.import") : undefined;
    return {
      activeUsers: null,
      populationUpdated: population?.updated ? new Date(population.updated as Date).toISOString() : null,
      lastPopulationImport: lastImport ? { when: lastImport.occurred_at.toISOString(), who: lastImport.actor_label } : null,
      declarationsImported,
    };
  });
  return json({
    user: { displayName: user.displayName, role: user.role, municipalityName: user.municipalityName },
    regional: access.scope.read === "all",
    municipalities: access.municipalities,
    ...facts,
  });
}

export default function Home() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const format = useFormat();
  const scope = data.user.municipalityName ?? (data.regional ? t("home.scopeRegion") : t("home.scopeNone"));
  return (
    <>
      <h1>{t("home.title", { name: data.user.displayName })}</h1>
      <div className="cards">
        <section className="card" aria-labelledby="you">
          <h2 id="you">{t("home.you")}</h2>
          <dl className="facts">
            <dt>{t("home.role")}</dt>
            <dd data-testid="home-role">{t(`roles.${data.user.role}`)}</dd>
            <dt>{t("home.scope")}</dt>
            <dd data-testid="home-scope">{scope}</dd>
          </dl>
        </section>
        {data.activeUsers !== null ? (
          <section className="card" aria-labelledby="admin">
            <h2 id="admin">{t("home.adminTitle")}</h2>
            <p>{t("home.adminIntro")}</p>
            <p>
              <Link to="/admin/users">{t("home.usersCount", { count: data.activeUsers })}</Link>
            </p>
          </section>
        ) : (
          <section className="card" aria-labelledby="data">
            <h2 id="data">{t("home.dataTitle")}</h2>
            <dl className="facts">
              <dt>{t("home.declarationsImported")}</dt>
              <dd data-testid="declarations-imported">
                {data.declarationsImported ? format.dateTime(data.declarationsImported) : t("home.noDataYet")}
              </dd>
              <dt>{t("home.populationImported")}</dt>
              <dd>
                {data.lastPopulationImport
                  ? t("home.lastImportBy", { when: format.dateTime(data.lastPopulationImport.when), who: actorLabel(t, data.lastPopulationImport.who) })
                  : data.populationUpdated
                    ? format.dateTime(data.populationUpdated)
                    : t("home.noDataYet")}
              </dd>
            </dl>
          </section>
        )}
      </div>
      <section aria-labelledby="municipalities">
        <h2 id="municipalities">{t("home.municipalitiesTitle")}</h2>
        {data.municipalities.length ? (
          <ul data-testid="municipalities-in-scope">
            {data.municipalities.map((m) => (
              <li key={m.code}>
                <Link to={`/municipalities/${m.code}`}>{m.name}</Link> <span className="hint">{m.code}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p>{t("home.municipalitiesNone")}</p>
        )}
      </section>
    </>
  );
}
