import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useTranslation } from "react-i18next";
import { GLOSSARY } from "~/components/glossary/terms";
import { pageTitle } from "~/i18n/title";
import { requireAccess } from "~/modules/access/access.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, (t) => [t("glossary.title")]);

/** `/glossary`: what each figure means (docs/definitions.md in the pages' words), for everyone who reads figures. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAccess(request, context, "read:segments");
  return json({});
}

export default function Glossary() {
  const { t } = useTranslation();
  return (
    <>
      <h1>{t("glossary.title")}</h1>
      <p className="hint">{t("glossary.intro")}</p>
      {GLOSSARY.map((section) => (
        <section key={section.id} aria-labelledby={`glossary-${section.id}`}>
          <h2 id={`glossary-${section.id}`}>{t(`glossary.sections.${section.id}`)}</h2>
          <dl className="glossary" data-testid={`glossary-${section.id}`}>
            {section.terms.map((term) => (
              <div key={term.id}>
                {/* The anchor the pages link to: /glossary#term-clients. */}
                <dt id={`term-${term.id}`}>{t(term.label)}</dt>
                <dd>{t(`glossary.definitions.${term.id}`)}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
    </>
  );
}
