import { can, type Permission } from "@jeugdregio/access";
import { json, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLocation,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { useEffect, useRef } from "react";
import { useChangeLanguage } from "remix-i18next/react";
import { useTranslation } from "react-i18next";
import { DEFAULT_LANGUAGE, type Language } from "./i18n/config";
import { useFormat } from "./i18n/useFormat";
import { detectLanguage } from "./i18n/language.server";
import { pageTitle } from "./i18n/title";
import { useNonce } from "./nonce";
import { resolveVisitor } from "./modules/access/access.server";
import stylesheet from "./styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

interface NavItem {
  to: string;
  labelKey: string;
  permission: Permission;
}

// Only pages that exist; later features add their entries here.
const NAV: NavItem[] = [
  { to: "/segments", labelKey: "nav.segments", permission: "read:segments" },
  { to: "/forecast", labelKey: "nav.forecast", permission: "read:segments" },
  { to: "/concentration", labelKey: "nav.concentration", permission: "read:segments" },
  { to: "/compare", labelKey: "nav.compare", permission: "read:segments" },
  { to: "/budgets", labelKey: "nav.budgets", permission: "read:budgets" },
  { to: "/roadmap", labelKey: "nav.roadmap", permission: "read:roadmap" },
  { to: "/municipalities", labelKey: "nav.municipalities", permission: "read:municipality" },
  { to: "/imports", labelKey: "nav.imports", permission: "import:declarations" },
  { to: "/catalog", labelKey: "nav.catalog", permission: "manage:catalog" },
  { to: "/population/import", labelKey: "nav.populationImport", permission: "import:population" },
  { to: "/admin/users", labelKey: "nav.users", permission: "manage:user" },
  { to: "/audit", labelKey: "nav.audit", permission: "read:audit" },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visitor = await resolveVisitor(request, context);
  const user = visitor.user;
  const language = await detectLanguage(request, user?.language ?? null);
  return json({
    language,
    requestId: context.requestId,
    user: user && {
      displayName: user.displayName,
      role: user.role,
      municipalityName: user.municipalityName,
    },
    nav: user ? NAV.filter((item) => can(user.role, item.permission)).map(({ to, labelKey }) => ({ to, labelKey })) : [],
  });
}

export type RootData = typeof loader;

/** Pages set their own title; the root's is the error pages' (and any page that sets none). */
export const meta: MetaFunction<typeof loader> = ({ error, matches }) =>
  pageTitle(matches, (t) => {
    if (!error) return [];
    const status = isRouteErrorResponse(error) ? error.status : 500;
    return [t(status === 404 ? "errors.notFoundTitle" : status === 403 ? "errors.forbiddenTitle" : "errors.genericTitle")];
  });

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<RootData>("root");
  const language: Language = data?.language ?? DEFAULT_LANGUAGE;
  const nonce = useNonce();
  return (
    <html lang={language}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

function LanguageSwitch({ language }: { language: Language }) {
  const { t } = useTranslation();
  const location = useLocation();
  const other: Language = language === "nl" ? "en" : "nl";
  return (
    <Form method="post" action="/language" className="language-switch">
      <input type="hidden" name="language" value={other} />
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      <button type="submit" lang={other} aria-label={t("language.switchTo")} data-testid="language-switch">
        {t(`language.${other}`)}
      </button>
    </Form>
  );
}

/**
 * After a client-side move to another page the focused element is gone and the focus falls to
 * the body; a keyboard or screen-reader user would start again at the top (WCAG 2.4.3). The new
 * page's main takes it instead, unless the page put it in its main itself (autofocus). Only on a
 * new path: a filter that changes the query string keeps the focus where it is.
 */
function useFocusMainOnNewPage() {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const main = document.getElementById("main");
    const active = document.activeElement;
    if (!main || (active && active !== main && main.contains(active))) return;
    main.focus({ preventScroll: true });
  }, [pathname]);
}

function Shell({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<RootData>("root");
  const { t } = useTranslation();
  useFocusMainOnNewPage();
  const language: Language = data?.language ?? DEFAULT_LANGUAGE;
  useChangeLanguage(language);
  const user = data?.user;
  return (
    <>
      <a className="skip-link" href="#main">
        {t("app.skipToContent")}
      </a>
      <header className="app-header">
        <Link to="/" className="brand">
          {t("app.name")}
        </Link>
        <div className="header-tools">
          {user ? (
            <div className="who" data-testid="current-user">
              <span className="who-name">{user.displayName}</span>
              <span className="who-role">{t(`roles.${user.role}`)}</span>
              <span className="who-scope" data-testid="current-scope">
                {user.municipalityName ?? t("app.region")}
              </span>
            </div>
          ) : null}
          <LanguageSwitch language={language} />
          {user ? (
            <Form method="post" action="/logout">
              <button type="submit">{t("auth.logout")}</button>
            </Form>
          ) : null}
        </div>
      </header>
      {user ? (
        <nav className="app-nav" aria-label={t("app.mainNavigation")}>
          <ul>
            <li>
              <NavLink to="/" end>
                {t("nav.home")}
              </NavLink>
            </li>
            {data?.nav.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to}>{t(item.labelKey)}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      {/* On every page, signed in or not: the statement is public (Dutch public bodies must publish one). */}
      <footer className="app-footer">
        <Link to="/accessibility" data-testid="accessibility-link">
          {t("accessibility.link")}
        </Link>
      </footer>
    </>
  );
}

export default function App() {
  return (
    <Shell>
      <Outlet />
    </Shell>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation();
  const data = useRouteLoaderData<RootData>("root");
  const status = isRouteErrorResponse(error) ? error.status : 500;
  // A report cancelled by REQUEST_TIMEOUT_SECONDS (request-limits.server.ts) says so, with the limit.
  const timeout = isRouteErrorResponse(error) && status === 503 && (error.data as { error?: unknown } | null)?.error === "report_timeout";
  const format = useFormat();
  const limit = timeout ? Number((error.data as { seconds?: unknown }).seconds) : 0;
  const seconds = format.number(limit, String(limit).split(".")[1]?.length ?? 0);
  const [titleKey, messageKey] = timeout
    ? ["errors.timeoutTitle", "errors.timeout"]
    : status === 404
      ? ["errors.notFoundTitle", "errors.notFound"]
      : status === 403
        ? ["errors.forbiddenTitle", "errors.forbidden"]
        : ["errors.genericTitle", "errors.generic"];
  return (
    <Shell>
      <h1>{t(titleKey)}</h1>
      <p data-testid={timeout ? "report-timeout" : undefined}>{t(messageKey, { requestId: data?.requestId ?? "", seconds })}</p>
      <p>
        <Link to="/">{t("errors.backHome")}</Link>
      </p>
    </Shell>
  );
}
