import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { resolveVisitor } from "~/modules/access/access.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { revokeSession, sessionCookie } from "~/modules/auth/session.server";
import { cookieSecurity } from "~/modules/http.server";

export async function loader() {
  return redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const visitor = await resolveVisitor(request, context);
  const { user, token } = visitor;
  if (user && token) {
    await visitor.run(async (trx) => {
      await revokeSession(trx, token);
      await recordAudit(trx, {
        actorUserId: user.id,
        actorLabel: user.email,
        action: "logout",
        subject: user.email,
        municipalityCode: user.municipalityCode,
        ip: context.clientIp,
      });
    });
  }
  const cookie = sessionCookie(context.config);
  return redirect("/login", { headers: { "Set-Cookie": await cookie.serialize("", { maxAge: 0, ...cookieSecurity(context) }) } });
}
