/**
 * What the import pages show about an upload, shared by the server (which
 * builds it) and the browser (which renders it): plain JSON, no English
 * messages (the page translates by `code`) and never a BSN.
 */

/**
 * The phases in order (the upload before them is the browser's own): check the file against
 * earlier imports, read and check its rows, store them, update the figures (checks across
 * batches and the summaries: no byte count, so no percentage), done.
 */
export const IMPORT_PHASES = ["hashing", "validating", "storing", "summarising", "done"] as const;
export type ImportPhase = (typeof IMPORT_PHASES)[number];

export interface ProgressView {
  phase: ImportPhase;
  bytesRead: number;
  totalBytes: number | null;
  rows: number;
}

/** One problem in a file, as the page shows it. */
export interface IssueView {
  line: number | null;
  column: string | null;
  code: string;
  value?: string;
  /** The other line involved (overlapping validity, conflicting names). */
  relatedLine?: number;
  /** `GM0014 2024-01`-style pairs, for the months_already_loaded notice. */
  months?: string[];
  /** Values for the translated reason (the lines of identical lines, both readings of a number, …). */
  params?: Record<string, string | number>;
}

export interface MunicipalityTotalView {
  code: string;
  name: string;
  lines: number;
  /** Euros as an exact decimal string. */
  amount: string;
}

export type ImportOutcome =
  | {
      kind: "imported";
      batchId: string;
      fileName: string;
      mode: "append" | "replace";
      lines: number;
      totalAmount: string;
      replacedLines: number;
      newProviders: number;
      unknownProducts: string[];
      perMunicipality: MunicipalityTotalView[];
      notices: IssueView[];
    }
  | {
      kind: "rejected";
      reason: "invalid" | "duplicate_file";
      fileName: string;
      /** At most 200, every code at least once when room allows. */
      errors: IssueView[];
      total: number;
      countsByCode: Record<string, number>;
      notices: IssueView[];
      duplicateOf: { batchId: string; importedAt: string; importedBy: string } | null;
      /** Where the full error list can be downloaded as CSV, if it is kept. */
      errorsCsvUrl: string | null;
    }
  | { kind: "failed"; fileName: string }
  /** The process running the import stopped (a crash, a restart) before it finished: nothing was stored. */
  | { kind: "interrupted"; fileName: string };

export type JobStatus = "running" | "done" | "failed" | "interrupted";

/** The answer of `GET /api/imports/<jobId>`. */
export interface JobView {
  jobId: string;
  status: JobStatus;
  fileName: string;
  startedAt: string;
  /** When the job ended (done, failed or found interrupted); null while it runs. */
  finishedAt: string | null;
  progress: ProgressView;
  outcome: ImportOutcome | null;
}

/** Why an upload never reached the import. */
export type UploadProblem = "noFile" | "tooLarge" | "invalidOptions";

export const IMPORT_MODES = ["append", "replace"] as const;
export const DECIMAL_CHOICES = ["auto", "comma", "point"] as const;
export type DecimalChoice = (typeof DECIMAL_CHOICES)[number];

/** A fraction 0–1 of the current phase, or null when it cannot be told (no size). */
export function phaseFraction(progress: ProgressView): number | null {
  if (progress.phase === "done") return 1;
  if (progress.phase === "summarising" || !progress.totalBytes) return null;
  return Math.min(1, Math.max(0, progress.bytesRead / progress.totalBytes));
}

type Translate = (key: string, options?: Record<string, unknown>) => string;

/**
 * The translated reason of an issue: `<namespace>.<code>`, with the related
 * line and months filled in. A code without a translation gets a generic
 * translated text, never the service's English message.
 */
export function issueReason(t: Translate, namespace: string, issue: IssueView): string {
  const key = `${namespace}.${issue.code}`;
  const text = t(key, {
    ...issue.params,
    related: issue.relatedLine ?? "",
    months: (issue.months ?? []).join(", "),
    column: issue.column ?? "",
  });
  return text === key ? t("imports.unknownProblem", { code: issue.code }) : text;
}
