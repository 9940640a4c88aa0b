import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { resolveVisitor } from "~/modules/access/access.server";
import { logIn } from "~/modules/auth/login.server";
import { sessionCookie } from "~/modules/auth/session.server";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~seeds/demo-accounts";
import { cookieSecurity, safeRedirectPath } from "~/modules/http.server";
import { languageCookie } from "~/i18n/i18n.server";
import { pageTitle } from "~/i18n/title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, (t) => [t("auth.title")]);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visitor = await resolveVisitor(request, context);
  if (visitor.user) throw redirect("/");
  return json({
    demo: context.config.demo ? { password: DEMO_PASSWORD, accounts: DEMO_ACCOUNTS.map(({ email, role }) => ({ email, role })) } : null,
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const visitor = await resolveVisitor(request, context);
  const form = await request.formData();
  const email = form.get("email");
  const password = form.get("password");
  const redirectTo = safeRedirectPath(form.get("redirectTo"));
  if (typeof email !== "string" || typeof password !== "string" || !email.trim() || !password) {
    return json({ error: "auth.missingFields" }, { status: 400 });
  }
  const result = await visitor.run((trx) => logIn(trx, context.config, { email, password, ip: context.clientIp }));
  if (!result.ok) {
    if (result.reason === "invalid") return json({ error: "auth.invalid" }, { status: 401 });
    // Refused before the password was checked: the message says why and for how long at most.
    const minutes = context.config.loginLimits.windowMinutes;
    const error = result.reason === "account_locked" ? "auth.accountLocked" : "auth.addressBlocked";
    return json({ error, minutes }, { status: 429, headers: { "Retry-After": String(minutes * 60) } });
  }
  const headers = new Headers();
  headers.append("Set-Cookie", await sessionCookie(context.config).serialize(result.token, cookieSecurity(context)));
  // The profile's language follows the user to a new browser.
  if (result.language) headers.append("Set-Cookie", await languageCookie.serialize(result.language, cookieSecurity(context)));
  return redirect(redirectTo, { headers });
}

export default function Login() {
  const { demo } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const { t } = useTranslation();
  return (
    <>
      <h1>{t("auth.title")}</h1>
      <p>{t("auth.intro")}</p>
      {actionData?.error ? (
        <p className="message error" role="alert" id="login-error">
          {t(actionData.error, { minutes: "minutes" in actionData ? actionData.minutes : undefined })}
        </p>
      ) : null}
      <Form method="post" className="stacked" aria-describedby={actionData?.error ? "login-error" : undefined}>
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? "/"} />
        <label>
          {t("auth.email")}
          <input type="email" name="email" autoComplete="username" required autoFocus />
        </label>
        <label>
          {t("auth.password")}
          <input type="password" name="password" autoComplete="current-password" required />
        </label>
        <div>
          <button type="submit" className="primary" disabled={navigation.state === "submitting"}>
            {t("auth.submit")}
          </button>
        </div>
      </Form>
      {demo ? (
        <section aria-labelledby="demo-title">
          <h2 id="demo-title">{t("auth.demoTitle")}</h2>
          <p>{t("auth.demoIntro", { password: demo.password })}</p>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("auth.demoAccount")}</th>
                <th scope="col">{t("auth.demoRole")}</th>
              </tr>
            </thead>
            <tbody>
              {demo.accounts.map((account) => (
                <tr key={account.email}>
                  <td>
                    <code>{account.email}</code>
                  </td>
                  <td>{t(`roles.${account.role}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </>
  );
}
