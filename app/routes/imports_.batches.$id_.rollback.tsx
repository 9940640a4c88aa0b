import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useFormat } from "~/i18n/useFormat";
import { requireAccess } from "~/modules/access/access.server";
import { rollBackBatch } from "~/modules/declarations/declaration-import.server";
import { notFound } from "~/modules/http.server";
import { BATCH_ID, findBatch } from "~/modules/imports/batches.server";
import { pageTitle } from "~/i18n/title";
import { actorLabel } from "~/i18n/stored";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => pageTitle(matches, (t) => [t("imports.rollbackTitle"), data?.batch.fileName]);

/** The confirmation step before a batch is taken out of every figure. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "import:declarations");
  const batch = await access.run((trx) => findBatch(trx, params.id ?? ""));
  if (!batch) throw notFound();
  if (batch.status !== "committed") throw redirect(`/imports/batches/${batch.id}`);
  return json({ batch });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const access = await requireAccess(request, context, "import:declarations");
  const id = params.id ?? "";
  if (!BATCH_ID.test(id)) throw notFound();
  const form = await request.formData();
  // Only the confirmation form sends this: a bare POST does nothing.
  if (form.get("confirm") !== "yes") throw new Response("Bad Request", { status: 400 });
  const actor = access.actor;
  const outcome = await access.run(async (trx) => {
    const batch = await findBatch(trx, id);
    if (!batch) return "notFound" as const;
    return (await rollBackBatch(trx, actor, id)) ? ("rolledBack" as const) : ("already" as const);
  });
  if (outcome === "notFound") throw notFound();
  // Already rolled back (e.g. a second click): the detail page says so.
  if (outcome === "already") return redirect(`/imports/batches/${id}`);
  return redirect(`/imports?rolledBack=${id}`);
}

export default function RollbackBatch() {
  const { batch } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <>
      <p>
        <Link to={`/imports/batches/${batch.id}`}>{t("imports.backToImports")}</Link>
      </p>
      <h1>{t("imports.rollbackTitle")}</h1>
      <dl className="facts">
        <dt>{t("imports.fileName")}</dt>
        <dd>{batch.fileName}</dd>
        <dt>{t("imports.when")}</dt>
        <dd>{format.dateTime(batch.importedAt)}</dd>
        <dt>{t("imports.who")}</dt>
        <dd>{actorLabel(t, batch.importedBy)}</dd>
        <dt>{t("imports.lines")}</dt>
        <dd>{format.number(batch.lines)}</dd>
        <dt>{t("imports.total")}</dt>
        <dd>{format.money(batch.totalAmount)}</dd>
      </dl>
      <p id="rollback-warning" className="message warning">
        {t("imports.rollbackIntro", { file: batch.fileName })}
      </p>
      <Form method="post" className="inline-form">
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" className="danger" aria-describedby="rollback-warning" disabled={navigation.state === "submitting"}>
          {t("imports.rollbackConfirm")}
        </button>{" "}
        <Link to="/imports">{t("imports.cancel")}</Link>
      </Form>
    </>
  );
}
