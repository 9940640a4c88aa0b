import {
  json,
  MaxPartSizeExceededError,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import Decimal from "decimal.js";
import { useTranslation } from "react-i18next";
import { FileField } from "~/components/FileField";
import { useFormat } from "~/i18n/useFormat";
import { requireAccess } from "~/modules/access/access.server";
import { importIndexFigures } from "~/modules/budgets/budgets.server";
import { FieldRefusal } from "~/modules/http.server";
import { storableName } from "~/modules/imports/upload.server";
import { pageTitle } from "~/i18n/title";
import { refusalKeys } from "~/modules/refusal";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, (t) => [t("indexFigures.title")]);

const MAX_BYTES = 1024 * 1024;

/** `/index-figures`: the index series (OVA) the budgets are indexed with; RIGG analysts upload them. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:budgets");
  const figures = await access.run((trx) => trx.selectFrom("index_figure").selectAll().orderBy("index_name").orderBy("year").execute());
  return json({ figures, canImport: access.can("import:index") });
}

type ActionResult = { ok: true; count: number } | { ok: false; field: string; code: string; params: Record<string, string | number> };

export async function action({ request, context }: ActionFunctionArgs) {
  const access = await requireAccess(request, context, "import:index");
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_BYTES, filter: ({ name }) => name === "file" }));
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return json<ActionResult>({ ok: false, field: "file", code: "tooLarge", params: {} }, { status: 413 });
    if (error instanceof TypeError) return json<ActionResult>({ ok: false, field: "file", code: "noFile", params: {} }, { status: 400 });
    throw error;
  }
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) return json<ActionResult>({ ok: false, field: "file", code: "noFile", params: {} }, { status: 400 });
  const actor = access.actor;
  try {
    const count = await access.run(async (trx) => importIndexFigures(trx, actor, { name: storableName(file.name), bytes: new Uint8Array(await file.arrayBuffer()) }));
    return json<ActionResult>({ ok: true, count });
  } catch (error) {
    if (error instanceof FieldRefusal) return json<ActionResult>({ ok: false, field: error.field, code: error.code, params: error.params }, { status: error.status });
    throw error;
  }
}

export default function IndexFiguresPage() {
  const { figures, canImport } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useTranslation();
  const format = useFormat();
  const busy = useNavigation().state === "submitting";
  const pct = (value: string | null) => (value === null ? "" : format.percent(new Decimal(value).dividedBy(100).toString(), 2));
  return (
    <>
      <h1>{t("indexFigures.title")}</h1>
      <p className="hint">{t("indexFigures.intro")}</p>
      {figures.length === 0 ? (
        <p>{t("indexFigures.none")}</p>
      ) : (
        <table className="data" data-testid="index-figures">
          <thead>
            <tr>
              <th scope="col">{t("indexFigures.name")}</th>
              <th scope="col">{t("indexFigures.year")}</th>
              <th scope="col">{t("indexFigures.provisional")}</th>
              <th scope="col">{t("indexFigures.definitive")}</th>
            </tr>
          </thead>
          <tbody>
            {figures.map((f) => (
              <tr key={`${f.index_name}-${f.year}`}>
                <td>{f.index_name}</td>
                <th scope="row">{f.year}</th>
                <td className="num">{pct(f.provisional_pct)}</td>
                <td className="num">{f.definitive_pct === null ? <span className="meta">{t("indexFigures.notYet")}</span> : pct(f.definitive_pct)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canImport ? (
        <Form method="post" encType="multipart/form-data" className="stacked" data-testid="index-upload">
          <h2>{t("indexFigures.uploadTitle")}</h2>
          <FileField id="index-file" label={t("indexFigures.file")} hint={t("indexFigures.fileHint")} problem={null} />
          {result ? (
            result.ok ? (
              <p className="message" role="status" data-testid="index-imported">
                {t("indexFigures.imported", { count: result.count })}
              </p>
            ) : (
              <p className="message error" role="alert" data-testid="index-error">
                {/* "line 3, year": the line is in the translated reason; the column is the file's own name. */}
                {t("finance.refused", { field: result.field.split(", ").pop(), reason: t(refusalKeys("indexFigures", { code: result.code }), result.params) })}
              </p>
            )
          ) : null}
          <button type="submit" disabled={busy}>
            {t("indexFigures.upload")}
          </button>
        </Form>
      ) : null}
    </>
  );
}
