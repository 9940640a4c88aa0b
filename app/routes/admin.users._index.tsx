import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { TableScroll } from "~/components/TableScroll";
import { requireAccess } from "~/modules/access/access.server";
import { listUsers } from "~/modules/users/users.server";
import { pageTitle } from "~/i18n/title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, (t) => [t("nav.users")]);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "manage:user");
  const users = await access.run((trx) => listUsers(trx));
  const created = new URL(request.url).searchParams.get("created") === "1";
  return json({
    created,
    users: users.map((u) => ({
      id: u.id,
      email: u.email,
      displayName: u.display_name,
      role: u.role,
      municipalityName: u.municipality_name,
      disabled: u.disabled_at !== null,
    })),
  });
}

/** The list has no form of its own; the guard still answers first (403 before 405). */
export async function action({ request, context }: ActionFunctionArgs) {
  await requireAccess(request, context, "manage:user");
  throw new Response("Method Not Allowed", { status: 405 });
}

export default function Users() {
  const { users, created } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <>
      <h1>{t("users.title")}</h1>
      <p>{t("users.intro")}</p>
      {created ? (
        <p className="message success" role="status">
          {t("users.created")}
        </p>
      ) : null}
      <p>
        <Link to="/admin/users/new">{t("users.new")}</Link>
      </p>
      <TableScroll label={t("users.title")}>
        <table data-testid="users">
          <thead>
            <tr>
              <th scope="col">{t("users.email")}</th>
              <th scope="col">{t("users.displayName")}</th>
              <th scope="col">{t("users.role")}</th>
              <th scope="col">{t("users.municipality")}</th>
              <th scope="col">{t("users.status")}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id}>
                <th scope="row">
                  <Link to={`/admin/users/${user.id}`}>{user.email}</Link>
                </th>
                <td>{user.displayName}</td>
                <td>{t(`roles.${user.role}`)}</td>
                <td>{user.municipalityName ?? t("users.municipalityNone")}</td>
                <td>{user.disabled ? t("users.disabled") : t("users.active")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}
