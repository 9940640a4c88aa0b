import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { TableScroll } from "~/components/TableScroll";
import { useFormat } from "~/i18n/useFormat";
import { requireAccess } from "~/modules/access/access.server";
import { pageTitle } from "~/i18n/title";
import { actionLabel, actorLabel } from "~/i18n/stored";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, (t) => [t("nav.audit")]);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:audit");
  const events = await access.run((trx) =>
    trx
      .selectFrom("audit_event")
      .select(["id", "occurred_at", "actor_label", "action", "outcome", "subject", "municipality_code"])
      .orderBy("id", "desc")
      .limit(200)
      .execute(),
  );
  return json({ events });
}

export default function AuditLog() {
  const { events } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <>
      <h1>{t("audit.title")}</h1>
      <TableScroll label={t("audit.title")}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t("audit.when")}</th>
              <th scope="col">{t("audit.who")}</th>
              <th scope="col">{t("audit.action")}</th>
              <th scope="col">{t("audit.outcome")}</th>
              <th scope="col">{t("audit.subject")}</th>
            </tr>
          </thead>
          <tbody>
            {events.map((event) => (
              <tr key={event.id}>
                <td>{format.dateTime(event.occurred_at)}</td>
                <td>{actorLabel(t, event.actor_label)}</td>
                <td>
                  {actionLabel(t, event.action)}
                </td>
                <td>{t(`audit.${event.outcome}`)}</td>
                <td>{event.subject}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}
