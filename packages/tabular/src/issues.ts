/** A problem found in one cell, row or column of a file. Validators return these; the app translates by `code`. */
export interface RowIssue {
  /** 1-based line/row in the file (header is 1); null when the issue is about the whole file. */
  line: number | null;
  column: string | null;
  /** Stable code, used as a translation key. */
  code: string;
  /** Plain English. */
  message: string;
  /** The offending cell value as text, when there is one (never for personal data such as a BSN). */
  value?: string;
  /** Values for the translated message (line lists, readings of a number, a limit); never personal data. */
  params?: Record<string, string | number>;
}

export interface IssueSummary<T extends RowIssue = RowIssue> {
  /** At most `limit` issues, in the order they were found; every code appears at least once when room allows. */
  shown: T[];
  /** Number of issues in total. */
  total: number;
  /** Number of issues per code, over all issues. */
  countsByCode: Record<string, number>;
}

/**
 * Collects issues one by one (e.g. while streaming a big file) but keeps at most `limit` of
 * them. Which are kept: the first issue of every code, then the earliest others; so 50,000
 * amount errors cannot hide the single unknown municipality on the last line.
 */
export class IssueCollector<T extends RowIssue = RowIssue> {
  private readonly kept: T[] = [];
  private readonly keptPerCode = new Map<string, number>();
  private readonly counts = new Map<string, number>();
  private count = 0;

  constructor(readonly limit = 200) {
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError("limit must be a whole number of 0 or more");
  }

  get total(): number {
    return this.count;
  }

  add(issue: T): void {
    this.count++;
    const firstOfCode = !this.counts.has(issue.code);
    this.counts.set(issue.code, (this.counts.get(issue.code) ?? 0) + 1);
    if (this.kept.length < this.limit) {
      this.keep(issue);
      return;
    }
    if (!firstOfCode) return;
    // Full, and a new code: drop the latest kept issue whose code is kept more than once.
    for (let i = this.kept.length - 1; i >= 0; i--) {
      const candidate = this.kept[i];
      if (candidate && (this.keptPerCode.get(candidate.code) ?? 0) > 1) {
        this.kept.splice(i, 1);
        this.keptPerCode.set(candidate.code, (this.keptPerCode.get(candidate.code) ?? 0) - 1);
        this.keep(issue);
        return;
      }
    }
  }

  addAll(issues: Iterable<T>): void {
    for (const issue of issues) this.add(issue);
  }

  summary(): IssueSummary<T> {
    return {
      shown: [...this.kept],
      total: this.count,
      countsByCode: Object.fromEntries(this.counts),
    };
  }

  private keep(issue: T): void {
    this.kept.push(issue); // appended in arrival order; removals keep the order
    this.keptPerCode.set(issue.code, (this.keptPerCode.get(issue.code) ?? 0) + 1);
  }
}

/** Summary of a list of issues for display: see `IssueCollector` for which ones are shown. */
export function summariseIssues<T extends RowIssue>(issues: readonly T[], limit = 200): IssueSummary<T> {
  const collector = new IssueCollector<T>(limit);
  collector.addAll(issues);
  return collector.summary();
}
