import {
  json,
  type HeadersFunction,
  MaxPartSizeExceededError,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FileField } from "~/components/FileField";
import { useFormat } from "~/i18n/useFormat";
import { requireAccess } from "~/modules/access/access.server";
import { importPopulation, MAX_POPULATION_FILE_BYTES } from "~/modules/population/population-import.server";

import { storableName, uploadProblemHeaders } from "~/modules/imports/upload.server";
import { pageTitle } from "~/i18n/title";

const MAX_MEGABYTES = MAX_POPULATION_FILE_BYTES / (1024 * 1024);

/** A refused upload whose body was not read to the end closes the connection. */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const headers = new Headers();
  const connection = actionHeaders.get("Connection");
  if (connection) headers.set("Connection", connection);
  return headers;
};

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, (t) => [t("nav.populationImport")]);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "import:population");
  // Row-level security keeps this to the analyst's read scope (the whole region).
  const rows = await access.run((trx) =>
    trx.selectFrom("population").select(["municipality_code", "year", "inhabitants_0_17"]).execute(),
  );
  const years = [...new Set(rows.map((r) => r.year))].sort((a, b) => a - b);
  const byMunicipality = new Map<string, Record<number, number>>();
  for (const row of rows) {
    const figures = byMunicipality.get(row.municipality_code) ?? {};
    figures[row.year] = row.inhabitants_0_17;
    byMunicipality.set(row.municipality_code, figures);
  }
  return json({
    maxMegabytes: MAX_MEGABYTES,
    years,
    municipalities: access.municipalities.map((m) => ({ ...m, figures: byMunicipality.get(m.code) ?? {} })),
  });
}

interface Issue {
  line: number | null;
  column: string | null;
  code: string;
  message: string;
  value?: string;
}

type ActionResult =
  | { outcome: "imported"; rows: number; inserted: number; updated: number; notices: Issue[] }
  | { outcome: "rejected"; errors: Issue[]; notices: Issue[] }
  | { outcome: "noFile" | "tooLarge" };

export async function action({ request, context }: ActionFunctionArgs) {
  // The guard comes before the body is read.
  const access = await requireAccess(request, context, "import:population");
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(
      request,
      unstable_createMemoryUploadHandler({
        maxPartSize: MAX_POPULATION_FILE_BYTES,
        filter: ({ name, filename }) => name === "file" && typeof filename === "string",
      }),
    );
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) {
      return json<ActionResult>({ outcome: "tooLarge" }, { status: 413, headers: uploadProblemHeaders("tooLarge") });
    }
    // Not a multipart body at all: nothing to import.
    if (error instanceof TypeError) return json<ActionResult>({ outcome: "noFile" }, { status: 400 });
    throw error;
  }
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) {
    return json<ActionResult>({ outcome: "noFile" }, { status: 400 });
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const actor = access.actor;
  const result = await access.run((trx) => importPopulation(trx, actor, { name: storableName(file.name), bytes }));
  if (!result.ok) {
    return json<ActionResult>({ outcome: "rejected", errors: result.errors, notices: result.notices }, { status: 400 });
  }
  return json<ActionResult>({
    outcome: "imported",
    rows: result.rows,
    inserted: result.inserted,
    updated: result.updated,
    notices: result.notices,
  });
}

function IssueTable({ issues, caption, testId }: { issues: Issue[]; caption: string; testId: string }) {
  const { t } = useTranslation();
  return (
    <table data-testid={testId}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col" className="num">
            {t("population.line")}
          </th>
          <th scope="col">{t("population.column")}</th>
          <th scope="col">{t("population.problem")}</th>
          <th scope="col">{t("population.value")}</th>
        </tr>
      </thead>
      <tbody>
        {issues.map((issue, index) => (
          <tr key={index}>
            <td className="num">{issue.line ?? ""}</td>
            <td>{issue.column ? <code>{issue.column}</code> : null}</td>
            {/* Unknown codes fall back to the service's own (English) description. */}
            <td>{t(`population.errors.${issue.code}`, { defaultValue: issue.message })}</td>
            <td>{issue.value !== undefined ? <code>{issue.value}</code> : null}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default function PopulationImport() {
  const { maxMegabytes, years, municipalities } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const location = useLocation();
  const { t } = useTranslation();
  const format = useFormat();
  const fileProblem = result?.outcome === "noFile" || result?.outcome === "tooLarge";

  return (
    <>
      <h1>{t("population.importTitle")}</h1>
      <p>{t("population.importIntro")}</p>

      {result?.outcome === "imported" ? (
        <p className="message success" role="status" data-testid="import-success">
          {t("population.success", { count: result.rows, inserted: result.inserted, updated: result.updated })}
        </p>
      ) : null}
      {result?.outcome === "rejected" ? (
        <div className="message error" data-testid="import-failed">
          <p role="alert">{t("population.failed")}</p>
          <IssueTable issues={result.errors} caption={t("population.errorsTitle")} testId="import-errors" />
        </div>
      ) : null}
      {result && "notices" in result && result.notices.length ? (
        <IssueTable issues={result.notices} caption={t("population.notices")} testId="import-notices" />
      ) : null}

      {/* Re-mounted after every answer, so the file input is empty again. */}
      <Form method="post" encType="multipart/form-data" className="stacked" key={location.key}>
        <FileField
          id="file"
          label={t("population.file")}
          hint={t("population.fileHint", { max: maxMegabytes })}
          problem={fileProblem ? (result.outcome === "tooLarge" ? t("population.tooLarge", { max: maxMegabytes }) : t("population.noFile")) : null}
          autoFocus
        />
        <div>
          <button type="submit" className="primary" disabled={navigation.state === "submitting"}>
            {t("population.submit")}
          </button>
        </div>
      </Form>

      <section aria-labelledby="current-title">
        <h2 id="current-title">{t("population.currentTitle")}</h2>
        <p id="current-intro">{t("population.currentIntro")}</p>
        {years.length ? (
          <table data-testid="population-figures" aria-describedby="current-intro">
            <thead>
              <tr>
                <th scope="col">{t("municipality.name")}</th>
                {years.map((year) => (
                  <th scope="col" className="num" key={year}>
                    {year}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {municipalities.map((m) => (
                <tr key={m.code} data-code={m.code}>
                  <th scope="row">{m.name}</th>
                  {years.map((year) => {
                    const value = m.figures[year];
                    return (
                      <td className="num" key={year} data-year={year}>
                        {value === undefined ? "" : format.number(value)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>{t("population.noFigures")}</p>
        )}
      </section>
    </>
  );
}
