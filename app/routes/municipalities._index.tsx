import { json, redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireAccess } from "~/modules/access/access.server";
import { pageTitle } from "~/i18n/title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, (t) => [t("nav.municipalities")]);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:municipality");
  // A municipal user has exactly one: go straight there.
  if (access.scope.read !== "all" && access.municipalities.length === 1) {
    throw redirect(`/municipalities/${access.municipalities[0]!.code}`);
  }
  return json({ municipalities: access.municipalities });
}

export default function Municipalities() {
  const { municipalities } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <>
      <h1>{t("municipality.listTitle")}</h1>
      <table>
        <thead>
          <tr>
            <th scope="col">{t("municipality.name")}</th>
            <th scope="col">{t("municipality.code")}</th>
          </tr>
        </thead>
        <tbody>
          {municipalities.map((m) => (
            <tr key={m.code}>
              <td>
                <Link to={`/municipalities/${m.code}`}>{m.name}</Link>
              </td>
              <td>{m.code}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
