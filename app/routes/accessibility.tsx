import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useTranslation } from "react-i18next";
import { pageTitle } from "~/i18n/title";
import { useFormat } from "~/i18n/useFormat";
import { resolveVisitor } from "~/modules/access/access.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, (t) => [t("accessibility.title")]);

/** When the statement was last checked against the tests' results; change it with the text. */
const STATEMENT_DATE = "2026-12-04";
/** The axe-core rule tags the browser tests run (test/support/browser.ts AXE_TAGS). */
const AXE_TAGS = "wcag2a, wcag2aa, wcag21a, wcag21aa";

const TESTED = ["pages", "roles", "languages", "widths"] as const;
const METHODS = ["axe", "keyboard", "widths", "print", "forms"] as const;
const KNOWN = ["screenReader", "zoom", "downloads", "printPdf", "session", "charts"] as const;

/**
 * `/accessibility`: the accessibility statement (toegankelijkheidsverklaring) Dutch public bodies
 * publish under EN 301 549 / WCAG 2.1 AA. Public information, so open without signing in: the
 * loader only resolves the visitor, as /login does, and reads nothing else.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await resolveVisitor(request, context);
  return json({});
}

export default function AccessibilityStatement() {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <>
      <h1>{t("accessibility.title")}</h1>
      <p>{t("accessibility.intro")}</p>
      <section aria-labelledby="a11y-status">
        <h2 id="a11y-status">{t("accessibility.statusTitle")}</h2>
        <p data-testid="a11y-status">{t("accessibility.status")}</p>
        <p className="hint">{t("accessibility.date", { date: format.date(STATEMENT_DATE) })}</p>
      </section>
      <section aria-labelledby="a11y-tested">
        <h2 id="a11y-tested">{t("accessibility.testedTitle")}</h2>
        <ul data-testid="a11y-tested">
          {TESTED.map((key) => (
            <li key={key}>{t(`accessibility.tested.${key}`)}</li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="a11y-how">
        <h2 id="a11y-how">{t("accessibility.howTitle")}</h2>
        <ul data-testid="a11y-how">
          {METHODS.map((key) => (
            <li key={key}>{t(`accessibility.how.${key}`, { tags: AXE_TAGS })}</li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="a11y-known">
        <h2 id="a11y-known">{t("accessibility.knownTitle")}</h2>
        <p>{t("accessibility.knownIntro")}</p>
        <ul data-testid="a11y-known">
          {KNOWN.map((key) => (
            <li key={key}>{t(`accessibility.known.${key}`)}</li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="a11y-contact">
        <h2 id="a11y-contact">{t("accessibility.contactTitle")}</h2>
        <p>{t("accessibility.contact")}</p>
      </section>
    </>
  );
}
