/**
 * A table's sort, search and page in the URL (`<id>_sort=-spending&<id>_q=zorg&<id>_page=2&<id>_size=25`),
 * read the same way by the server (first render, paging without JavaScript, and the audit log's
 * query) and by the browser (hydration), so both render the same rows. Pure: no server imports.
 */
export const PAGE_SIZES = [25, 50, 100] as const;
export type PageSize = number | "all";

export interface TableState {
  /** A column id; `null` keeps the rows' own order. */
  sort: string | null;
  desc: boolean;
  q: string;
  /** From 0. */
  page: number;
  size: PageSize;
}

export const param = (id: string, name: "sort" | "by" | "q" | "page" | "size") => `${id}_${name}`;

/** The search text is bounded: it is matched against every row (or sent to the database). */
export const MAX_SEARCH = 100;

export function readTableState(
  params: URLSearchParams,
  id: string,
  options: { columns: readonly string[]; size?: PageSize; allowAll?: boolean; sort?: string | null; desc?: boolean },
): TableState {
  // A sort button sends `<id>_by` (the next sort); the form's hidden field carries the current one.
  const sortParam = params.get(param(id, "by")) ?? params.get(param(id, "sort"));
  const desc = sortParam ? sortParam.startsWith("-") : (options.desc ?? false);
  const column = sortParam?.replace(/^-/, "") ?? null;
  const sort = column && options.columns.includes(column) ? column : (options.sort ?? null);
  const sizeParam = params.get(param(id, "size"));
  const defaultSize = options.size ?? PAGE_SIZES[0];
  const size: PageSize =
    sizeParam === "all" && options.allowAll !== false ? "all" : PAGE_SIZES.find((s) => String(s) === sizeParam) ?? defaultSize;
  const page = Math.max(0, Math.min(1_000_000, Number.parseInt(params.get(param(id, "page")) ?? "1", 10) - 1 || 0));
  // A sort or a new search starts at the first page.
  const restart = params.has(param(id, "by"));
  return { sort, desc: sort === column ? desc : (options.desc ?? false), q: (params.get(param(id, "q")) ?? "").slice(0, MAX_SEARCH), page: restart ? 0 : page, size };
}

/** The sort a header's button asks for: the other direction if it is the current column, else ascending. */
export function nextSort(state: TableState, column: string): string {
  return state.sort === column && !state.desc ? `-${column}` : column;
}

export function sortValue(state: TableState): string | null {
  return state.sort ? `${state.desc ? "-" : ""}${state.sort}` : null;
}
