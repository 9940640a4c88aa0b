import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useFormat } from "~/i18n/useFormat";
import { issueReason, type ImportOutcome } from "~/modules/imports/import-view";
import { IssueTable } from "./IssueTable";
import { actorLabel } from "~/i18n/stored";

const NAMESPACE = "imports.errors";

/** What became of an uploaded declaration file: the batch, or why it was refused. */
export function ImportResult({ outcome }: { outcome: ImportOutcome }) {
  const { t } = useTranslation();
  const format = useFormat();
  const labels = {
    line: t("imports.line"),
    column: t("imports.column"),
    problem: t("imports.problem"),
    value: t("imports.value"),
  };

  if (outcome.kind === "failed") {
    return (
      <section className="message error" aria-labelledby="result-title" data-testid="import-failed">
        <h2 id="result-title">{t("imports.failedTitle")}</h2>
        <p role="alert">{t("imports.failed", { file: outcome.fileName })}</p>
      </section>
    );
  }

  if (outcome.kind === "interrupted") {
    return (
      <section className="message error" aria-labelledby="result-title" data-testid="import-interrupted">
        <h2 id="result-title">{t("imports.interruptedTitle")}</h2>
        <p role="alert">{t("imports.interrupted", { file: outcome.fileName })}</p>
      </section>
    );
  }

  if (outcome.kind === "imported") {
    return (
      <section aria-labelledby="result-title" data-testid="import-result" data-batch-id={outcome.batchId}>
        <h2 id="result-title">{t("imports.importedTitle")}</h2>
        <div className="message success" role="status">
          <p data-testid="import-success">
            {t("imports.imported", {
              lines: format.number(outcome.lines),
              file: outcome.fileName,
              total: format.money(outcome.totalAmount),
            })}
          </p>
          {outcome.mode === "replace" ? <p>{t("imports.replaced", { count: outcome.replacedLines })}</p> : null}
          {outcome.newProviders > 0 ? <p>{t("imports.newProviders", { count: outcome.newProviders })}</p> : null}
        </div>
        {outcome.unknownProducts.length ? (
          <p className="message warning" data-testid="unknown-products">
            {t("imports.unknownProducts", { codes: outcome.unknownProducts.join(", ") })}
          </p>
        ) : null}
        <div className="table-scroll">
          <table data-testid="import-municipalities">
            <caption>{t("imports.perMunicipalityTitle")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("imports.municipality")}</th>
                <th scope="col" className="num">
                  {t("imports.lines")}
                </th>
                <th scope="col" className="num">
                  {t("imports.amount")}
                </th>
              </tr>
            </thead>
            <tbody>
              {outcome.perMunicipality.map((m) => (
                <tr key={m.code} data-code={m.code}>
                  <th scope="row">{m.name}</th>
                  <td className="num">{format.number(m.lines)}</td>
                  <td className="num">{format.money(m.amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {outcome.notices.length ? (
          <IssueTable
            issues={outcome.notices}
            caption={t("imports.noticesTitle")}
            namespace={NAMESPACE}
            labels={labels}
            testId="import-notices"
          />
        ) : null}
        <p>
          <Link to={`/imports/batches/${outcome.batchId}`}>{t("imports.viewBatch")}</Link>
        </p>
      </section>
    );
  }

  const counts = Object.entries(outcome.countsByCode).sort(([, a], [, b]) => b - a);
  return (
    <section aria-labelledby="result-title" data-testid="import-rejected">
      <h2 id="result-title">{t("imports.rejectedTitle")}</h2>
      <div className="message error" role="alert">
        <p>{t("imports.rejected", { file: outcome.fileName })}</p>
        {outcome.duplicateOf ? (
          <p data-testid="import-duplicate">
            {t("imports.duplicate", {
              when: format.dateTime(outcome.duplicateOf.importedAt),
              who: actorLabel(t, outcome.duplicateOf.importedBy),
            })}{" "}
            <Link to={`/imports/batches/${outcome.duplicateOf.batchId}`}>{t("imports.viewEarlierBatch")}</Link>
          </p>
        ) : null}
      </div>
      {outcome.reason === "invalid" ? (
        <>
          <div className="table-scroll">
            <table data-testid="import-error-counts">
              <caption>{t("imports.countsTitle")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("imports.reason")}</th>
                  <th scope="col" className="num">
                    {t("imports.count")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {counts.map(([code, count]) => (
                  <tr key={code} data-code={code}>
                    <td>{issueReason(t, NAMESPACE, { code, line: null, column: null })}</td>
                    <td className="num">{format.number(count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p>
            {t("imports.errorsShown", { shown: format.number(outcome.errors.length), total: format.number(outcome.total) })}
            {outcome.errorsCsvUrl ? (
              <>
                {" "}
                <a href={outcome.errorsCsvUrl} download data-testid="errors-csv">
                  {t("imports.downloadErrors")}
                </a>
              </>
            ) : null}
          </p>
          <IssueTable
            issues={outcome.errors}
            caption={t("imports.errorsTitle")}
            namespace={NAMESPACE}
            labels={labels}
            testId="import-errors"
          />
        </>
      ) : null}
      {outcome.notices.length ? (
        <IssueTable
          issues={outcome.notices}
          caption={t("imports.noticesTitle")}
          namespace={NAMESPACE}
          labels={labels}
          testId="import-notices"
        />
      ) : null}
    </section>
  );
}
