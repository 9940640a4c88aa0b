import { useTranslation } from "react-i18next";
import { issueReason, type IssueView } from "~/modules/imports/import-view";

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
              <td>{issueReason(t, namespace, issue)}</td>
              <td>{issue.value !== undefined ? <code>{issue.value}</code> : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
