import type { RowIssue } from "@jeugdregio/tabular";
import type { DeclarationImportResult } from "~/modules/declarations/declaration-import.server";
import type { ImportOutcome, IssueView, JobView } from "./import-view";
import type { ImportJob } from "./jobs.server";

/** Columns whose cell values are never echoed, whatever a validator puts in `value`. */
const PERSONAL_COLUMNS = new Set(["client_bsn", "bsn"]);
const NINE_DIGITS = /\b\d{9}\b/;
const MONTH_PAIR = /\bGM\d{4} \d{4}-\d{2}\b/g;
/** Codes whose `value` is an English description rather than a cell (the reason says it all). */
const DESCRIPTIVE_VALUES = new Set(["overlapping_validity"]);

/** An issue as the page may show it: code, place and a safe value; never the English message. */
export function toIssueView(issue: RowIssue & { relatedLine?: number }): IssueView {
  const view: IssueView = { line: issue.line, column: issue.column, code: issue.code };
  const personal = issue.column !== null && PERSONAL_COLUMNS.has(issue.column.toLowerCase());
  // A client key that is nine digits could be a BSN typed in the wrong column: not shown either.
  const bsnLike = issue.column === "client_key" && issue.value !== undefined && NINE_DIGITS.test(issue.value);
  if (issue.value !== undefined && !personal && !bsnLike && !DESCRIPTIVE_VALUES.has(issue.code)) view.value = issue.value;
  if (typeof issue.relatedLine === "number") view.relatedLine = issue.relatedLine;
  // Set by the validators and checks themselves (line lists, readings of a number, a limit), never a cell of a client column.
  if (issue.params && !personal && issue.column !== "client_key") view.params = { ...issue.params };
  if (issue.code === "months_already_loaded") {
    // The service lists the pairs in its English message only; they are codes, not language.
    view.months = [...new Set(issue.message.match(MONTH_PAIR) ?? [])];
  }
  return view;
}

/**
 * A result as it is kept with its job in the database: issues already in their safe view
 * (no BSN, no cell of a personal column), so nothing personal is stored.
 */
export type StoredImportResult =
  // The batch's figures as the import gives them; only the notices are kept in their safe view.
  | (Omit<Extract<DeclarationImportResult, { ok: true }>, "notices"> & { notices: IssueView[] })
  | {
      ok: false;
      reason: "invalid" | "duplicate_file";
      fileName: string;
      errors: { shown: IssueView[]; total: number; countsByCode: Record<string, number> };
      /** Every error up to the import's limit, for the CSV report. */
      allErrors: IssueView[];
      notices: IssueView[];
      duplicateOf: { batchId: string; importedAt: string; importedBy: string } | null;
    };

export function toStoredResult(result: DeclarationImportResult): StoredImportResult {
  if (result.ok) {
    return {
      ok: true,
      batchId: result.batchId,
      fileName: result.fileName,
      mode: result.mode,
      lines: result.lines,
      totalAmount: result.totalAmount,
      perMunicipality: result.perMunicipality.map((m) => ({ municipalityCode: m.municipalityCode, lines: m.lines, amount: m.amount })),
      replacedLines: result.replacedLines,
      unknownProducts: result.unknownProducts,
      newProviders: result.newProviders,
      notices: result.notices.map(toIssueView),
    };
  }
  return {
    ok: false,
    reason: result.reason,
    fileName: result.fileName,
    errors: { shown: result.errors.shown.map(toIssueView), total: result.errors.total, countsByCode: result.errors.countsByCode },
    allErrors: result.allErrors.map(toIssueView),
    notices: result.notices.map(toIssueView),
    duplicateOf: result.duplicateOf ?? null,
  };
}

export function toOutcome(
  result: StoredImportResult,
  municipalities: readonly { code: string; name: string }[],
  errorsCsvUrl: string | null,
): ImportOutcome {
  if (result.ok) {
    const names = new Map(municipalities.map((m) => [m.code, m.name]));
    return {
      kind: "imported",
      batchId: result.batchId,
      fileName: result.fileName,
      mode: result.mode,
      lines: result.lines,
      totalAmount: result.totalAmount,
      replacedLines: result.replacedLines,
      newProviders: result.newProviders,
      unknownProducts: result.unknownProducts,
      perMunicipality: result.perMunicipality.map((m) => ({
        code: m.municipalityCode,
        name: names.get(m.municipalityCode) ?? m.municipalityCode,
        lines: m.lines,
        amount: m.amount,
      })),
      notices: result.notices,
    };
  }
  return {
    kind: "rejected",
    reason: result.reason,
    fileName: result.fileName,
    errors: result.errors.shown,
    total: result.errors.total,
    countsByCode: result.errors.countsByCode,
    notices: result.notices,
    duplicateOf: result.duplicateOf,
    errorsCsvUrl: result.reason === "invalid" && result.allErrors.length > 0 ? errorsCsvUrl : null,
  };
}

export function errorsCsvUrlOf(jobId: string): string {
  return `/api/imports/${jobId}/errors.csv`;
}

export function toJobView(job: ImportJob, municipalities: readonly { code: string; name: string }[]): JobView {
  const outcome: ImportOutcome | null =
    job.status === "failed"
      ? { kind: "failed", fileName: job.fileName }
      : job.status === "interrupted"
      ? { kind: "interrupted", fileName: job.fileName }
      : job.result
      ? toOutcome(job.result, municipalities, errorsCsvUrlOf(job.id))
      : null;
  return {
    jobId: job.id,
    status: job.status,
    fileName: job.fileName,
    startedAt: job.startedAt.toISOString(),
    finishedAt: job.finishedAt ? job.finishedAt.toISOString() : null,
    progress: { ...job.progress },
    outcome,
  };
}
