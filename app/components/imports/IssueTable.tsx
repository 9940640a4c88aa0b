import { useTranslation } from "react-i18next";
import { issueReason, type IssueView } from "~/modules/imports/import-view";

/** Up to this many municipality-months are listed in the sentence; more are summarised, the full list behind a disclosure. */
const LISTED_MONTHS = 6;

const manyMonths = (issue: IssueView) => (issue.months?.length ?? 0) > LISTED_MONTHS;

/** A long "already loaded" list: a summary in the sentence, the months per municipality behind a disclosure. */
function MonthsReason({ issue, namespace }: { issue: IssueView; namespace: string }) {
  const { t } = useTranslation();
  const months = issue.months ?? [];
  const perMunicipality = new Map<string, string[]>();
  for (const pair of months) {
    const [code = pair, month = ""] = pair.split(" ");
    perMunicipality.set(code, [...(perMunicipality.get(code) ?? []), month]);
  }
  const sorted = months.map((pair) => pair.split(" ")[1] ?? "").sort();
  // The service names a bounded number of pairs and counts them all.
  const count = typeof issue.params?.count === "number" ? issue.params.count : months.length;
  const summary = t("imports.monthsSummary", { count, municipalities: perMunicipality.size, first: sorted[0], last: sorted[sorted.length - 1] });
  return (
    <>
      {issueReason(t, namespace, { ...issue, months: [summary] })}
      <details className="months-detail">
        <summary>{t("imports.monthsShowAll")}</summary>
        <ul>
          {[...perMunicipality].map(([code, list]) => (
            <li key={code}>
              <code>{code}</code>
              {`: ${list.join(", ")}`}
            </li>
          ))}
        </ul>
      </details>
    </>
  );
}

/**
 * Problems found in an uploaded file: line, column, translated reason (by
 * code, from `namespace`) and the offending value where there is one.
 */
export function IssueTable({
  issues,
  caption,
  namespace,
  labels,
  testId,
}: {
  issues: readonly IssueView[];
  caption: string;
  namespace: string;
  labels: { line: string; column: string; problem: string; value: string };
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <div className="table-scroll">
      <table data-testid={testId}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col" className="num">
              {labels.line}
            </th>
            <th scope="col">{labels.column}</th>
            <th scope="col">{labels.problem}</th>
            <th scope="col">{labels.value}</th>
          </tr>
        </thead>
        <tbody>
          {issues.map((issue, index) => (
            <tr key={index} data-code={issue.code}>
              <td className="num">{issue.line ?? ""}</td>
              <td>{issue.column ? <code>{issue.column}</code> : null}</td>
              <td>{manyMonths(issue) ? <MonthsReason issue={issue} namespace={namespace} /> : issueReason(t, namespace, issue)}</td>
              <td>{issue.value !== undefined ? <code>{issue.value}</code> : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
