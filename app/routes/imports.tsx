import { todayInAmsterdam } from "@jeugdregio/format";
import { json, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ImportUploader } from "~/components/imports/ImportUploader";
import { useFormat } from "~/i18n/useFormat";
import { requireAccess } from "~/modules/access/access.server";
import { listBatches, type BatchSummary } from "~/modules/imports/batches.server";
import { listUnfinishedJobs } from "~/modules/imports/jobs.server";
import { startDeclarationUpload } from "~/modules/imports/declaration-upload.server";
import type { ImportOutcome, UploadProblem } from "~/modules/imports/import-view";
import { toJobView } from "~/modules/imports/outcome.server";
import { pageTitle } from "~/i18n/title";
import { actorLabel } from "~/i18n/stored";

const MEGABYTE = 1024 * 1024;

/** A refused upload whose body was not read to the end closes the connection (see `uploadProblemHeaders`). */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const connection = actionHeaders.get("Connection");
  const headers = new Headers();
  if (connection) headers.set("Connection", connection);
  return headers;
};

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, (t) => [t("nav.imports")]);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "import:declarations");
  const { batches, more } = await access.run((trx) => listBatches(trx));
  // Imports without a batch (running, failed, interrupted by a crash) are part of the history too.
  const jobs = (await listUnfinishedJobs(context.db, access.run)).map((job) => ({
    id: job.id,
    fileName: job.fileName,
    who: job.ownerLabel,
    startedAt: job.startedAt.toISOString(),
    mode: job.mode,
    status: job.status,
  }));
  const rolledBack = new URL(request.url).searchParams.get("rolledBack");
  return json({
    jobs,
    maxBytes: context.config.importMaxBytes,
    maxMegabytes: Math.round((context.config.importMaxBytes / MEGABYTE) * 10) / 10,
    today: todayInAmsterdam(),
    batches,
    more,
    rolledBack: rolledBack ? batches.find((b) => b.id === rolledBack && b.status === "rolled_back")?.fileName ?? null : null,
  });
}

type ActionResult = { outcome: ImportOutcome | null; problem: UploadProblem | null };

/** Without JavaScript: the same upload, imported while the browser waits, then the same result. */
export async function action({ request, context }: ActionFunctionArgs) {
  const access = await requireAccess(request, context, "import:declarations");
  const started = await startDeclarationUpload(request, context, access);
  if (!started.ok) {
    return json<ActionResult>({ outcome: null, problem: started.problem }, { status: started.status, headers: started.headers });
  }
  const { job } = await started.job.done;
  const { outcome } = toJobView(job, access.municipalities);
  const status = outcome?.kind === "imported" ? 200 : outcome?.kind === "rejected" ? 400 : 500;
  return json<ActionResult>({ outcome, problem: null }, { status });
}

export default function Imports() {
  const { maxBytes, maxMegabytes, today, batches, jobs, more, rolledBack } = useLoaderData<typeof loader>();
  const history = [
    ...batches.map((batch) => ({ at: batch.importedAt, batch, job: null })),
    ...jobs.map((job) => ({ at: job.startedAt, batch: null, job })),
  ].sort((a, b) => b.at.localeCompare(a.at));
  const result = useActionData<typeof action>();
  const location = useLocation();
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <>
      <h1>{t("imports.title")}</h1>
      <p>{t("imports.intro")}</p>
      {rolledBack ? (
        <p className="message success" role="status" data-testid="rolled-back">
          {t("imports.rolledBack", { file: rolledBack })}
        </p>
      ) : null}

      {/* Re-mounted after every answer, so the file input is empty again. */}
      <ImportUploader
        key={location.key}
        maxBytes={maxBytes}
        maxMegabytes={maxMegabytes}
        today={today}
        initial={{ outcome: result?.outcome ?? null, problem: result?.problem ?? null }}
      />

      <section aria-labelledby="history-title">
        <h2 id="history-title">{t("imports.historyTitle")}</h2>
        <p id="history-intro">{t("imports.historyIntro")}</p>
        {history.length ? (
          <div className="table-scroll">
            <table data-testid="batches" aria-describedby="history-intro">
              <thead>
                <tr>
                  <th scope="col">{t("imports.when")}</th>
                  <th scope="col">{t("imports.fileName")}</th>
                  <th scope="col">{t("imports.who")}</th>
                  <th scope="col">{t("imports.modeColumn")}</th>
                  <th scope="col" className="num">
                    {t("imports.lines")}
                  </th>
                  <th scope="col" className="num">
                    {t("imports.total")}
                  </th>
                  <th scope="col">{t("imports.status")}</th>
                  <th scope="col">{t("imports.actions")}</th>
                </tr>
              </thead>
              <tbody>
                {history.map(({ batch, job }) =>
                  job ? (
                    <tr key={job.id} data-job-id={job.id} data-status={job.status}>
                      <td>{format.dateTime(job.startedAt)}</td>
                      <th scope="row">{job.fileName}</th>
                      <td>{actorLabel(t, job.who)}</td>
                      <td>{job.mode === "replace" ? t("imports.modeReplace") : t("imports.modeAppend")}</td>
                      <td className="num" />
                      <td className="num" />
                      <td>
                        <span className={job.status === "running" ? "badge" : "badge badge-muted"}>{t(`imports.jobStatus.${job.status}`)}</span>
                        {job.status === "interrupted" ? <div className="hint">{t("imports.interruptedHint")}</div> : null}
                      </td>
                      <td />
                    </tr>
                  ) : (
                  <BatchRow key={batch!.id} batch={batch!} />
                  ),
                )}
              </tbody>
            </table>
          </div>
        ) : (
          <p>{t("imports.noBatches")}</p>
        )}
        {more ? <p className="hint">{t("imports.more", { count: batches.length })}</p> : null}
      </section>
    </>
  );
}

function BatchRow({ batch }: { batch: Jsonified<BatchSummary> }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
                  <tr
                    key={batch.id}
                    data-batch-id={batch.id}
                    data-status={batch.status}
                    className={batch.status === "rolled_back" ? "rolled-back" : undefined}
                  >
                    <td>{format.dateTime(batch.importedAt)}</td>
                    <th scope="row">{batch.fileName}</th>
                    <td>{actorLabel(t, batch.importedBy)}</td>
                    <td>{batch.mode === "replace" ? t("imports.modeReplace") : t("imports.modeAppend")}</td>
                    <td className="num">{format.number(batch.lines)}</td>
                    <td className="num">{format.money(batch.totalAmount)}</td>
                    <td>
                      {batch.status === "rolled_back" ? (
                        <>
                          <span className="badge badge-muted">{t("imports.statusRolledBack")}</span>
                          {batch.rolledBackAt ? (
                            <div className="hint">
                              {t("imports.rolledBackBy", {
                                when: format.dateTime(batch.rolledBackAt),
                                who: actorLabel(t, batch.rolledBackBy),
                              })}
                            </div>
                          ) : null}
                        </>
                      ) : (
                        <span className="badge">{t("imports.statusCommitted")}</span>
                      )}
                    </td>
                    <td>
                      <ul className="inline-actions">
                        <li>
                          <Link to={`/imports/batches/${batch.id}`} aria-label={t("imports.detailsOf", { file: batch.fileName })}>
                            {t("imports.details")}
                          </Link>
                        </li>
                        {batch.status === "committed" ? (
                          <li>
                            <Link
                              to={`/imports/batches/${batch.id}/rollback`}
                              aria-label={t("imports.rollbackOf", { file: batch.fileName })}
                            >
                              {t("imports.rollback")}
                            </Link>
                          </li>
                        ) : null}
                      </ul>
                    </td>
                  </tr>
  );
}

type Jsonified<T> = { [K in keyof T]: T[K] };
