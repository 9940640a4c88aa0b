import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { isLanguage } from "~/i18n/config";
import { languageCookie } from "~/i18n/i18n.server";
import { resolveVisitor } from "~/modules/access/access.server";
import { setSessionLanguage } from "~/modules/auth/session.server";
import { cookieSecurity, safeRedirectPath } from "~/modules/http.server";

export async function loader() {
  return redirect("/");
}

/** Switches the language: a cookie for everyone, the profile for a logged-in user. */
export async function action({ request, context }: ActionFunctionArgs) {
  const visitor = await resolveVisitor(request, context);
  const form = await request.formData();
  const language = form.get("language");
  const redirectTo = safeRedirectPath(form.get("redirectTo"));
  if (!isLanguage(language)) return redirect(redirectTo);
  const token = visitor.token;
  if (visitor.user && token) await visitor.run((trx) => setSessionLanguage(trx, token, language));
  return redirect(redirectTo, { headers: { "Set-Cookie": await languageCookie.serialize(language, cookieSecurity(context)) } });
}
