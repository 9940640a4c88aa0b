import { Form, useSearchParams } from "@remix-run/react";
import {
  getCoreRowModel,
  getFilteredRowModel,
  getPaginationRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
} from "@tanstack/react-table";
import Decimal from "decimal.js";
import { useEffect, useId, useMemo, useState, type HTMLAttributes, type MouseEvent, type ReactNode, type TdHTMLAttributes } from "react";
import { useTranslation } from "react-i18next";
import { TableScroll } from "~/components/TableScroll";
import { useFormat } from "~/i18n/useFormat";
import { rowsToCsv, type CsvCell } from "~/modules/export/csv";
import { nextSort, PAGE_SIZES, param, readTableState, sortValue, type PageSize, type TableState } from "./table-state";

/**
 * The one table for long lists (issue 16): sort by any column, search, pages, a sticky header,
 * numbers right-aligned, and a CSV of exactly the rows the search and sort give. Sorting,
 * filtering and paging are @tanstack/react-table's (headless: the markup stays ours).
 *
 * Progressive enhancement: the state lives in the URL (table-state.ts) and the controls are a GET
 * form, so without JavaScript every header, the search and the pages work by reloading the page,
 * rendered by the server from the same state. With JavaScript, a `client` table (all rows in the
 * loader's data) sorts, searches and pages in the browser; a `server` table (rows too many to
 * send: the audit log) navigates, and its loader queries the page.
 */
/** `data-*` attributes for a row or a cell (tests and styles find rows by them). */
type DataAttributes = { [key: `data-${string}`]: string | undefined };
type CellAttributes = TdHTMLAttributes<HTMLTableCellElement>;
type RowAttributes = HTMLAttributes<HTMLTableRowElement>;

export interface TableColumn<Row> {
  id: string;
  header: string;
  /** What the column sorts by and, unless `csv` says otherwise, what the CSV holds. */
  value: (row: Row) => string | number | boolean | null;
  /** Money and shares compare as exact decimals (decimal.js), never as floats. */
  kind?: "text" | "number" | "decimal";
  /** The cell as read and searched; default the value. */
  text?: (row: Row) => string;
  cell?: (row: Row) => ReactNode;
  csv?: (row: Row) => CsvCell;
  /** The row's name: a `<th scope="row">`. */
  rowHeader?: boolean;
  sortable?: boolean;
  cellProps?: (row: Row) => CellAttributes & DataAttributes;
}

interface CommonProps<Row> {
  /** Prefix of the URL parameters, unique on the page. */
  id: string;
  columns: readonly TableColumn<Row>[];
  rowKey: (row: Row) => string;
  rowProps?: (row: Row) => RowAttributes & DataAttributes;
  /** The table's name (its caption), also the scroll region's and the search box's context. */
  caption: string;
  captionHidden?: boolean;
  testId?: string;
  /** The CSV's file name, without `.csv`. */
  fileName: string;
  className?: string;
  defaultSize?: PageSize;
  /** The page sizes offered (a server table's loader accepts only these). */
  pageSizes?: readonly number[];
}

type Props<Row> = CommonProps<Row> &
  ({ mode: "client"; rows: readonly Row[] } | { mode: "server"; rows: readonly Row[]; total: number; state: TableState });

const normalise = (text: string) => text.normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase("nl");

export function DataTable<Row>(props: Props<Row>) {
  const { id, columns, rowKey, rowProps, caption, testId, fileName, mode } = props;
  const { t } = useTranslation();
  const format = useFormat();
  const [params] = useSearchParams();
  const columnIds = columns.filter((c) => c.sortable !== false).map((c) => c.id);
  const fromUrl = readTableState(params, id, { columns: columnIds, size: props.defaultSize });
  const [clientState, setClientState] = useState<TableState>(fromUrl);
  const urlKey = params.toString();
  // A navigation (another year, scope or filter) starts from what its URL says.
  useEffect(() => setClientState(readTableState(new URLSearchParams(urlKey), id, { columns: columnIds, size: props.defaultSize })), [urlKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const state = mode === "server" ? props.state : clientState;
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const collator = useMemo(() => new Intl.Collator(format.language, { sensitivity: "base", numeric: true }), [format.language]);

  const definitions = useMemo<ColumnDef<Row>[]>(
    () =>
      columns.map((column) => ({
        id: column.id,
        // Empty values sort last in either direction (undefined, see sortUndefined).
        accessorFn: (row: Row) => column.value(row) ?? undefined,
        sortUndefined: "last",
        enableSorting: column.sortable !== false,
        sortingFn: (a, b) => {
          const x = a.getValue<string | number | boolean>(column.id);
          const y = b.getValue<string | number | boolean>(column.id);
          if (column.kind === "decimal") return new Decimal(String(x)).cmp(new Decimal(String(y)));
          if (typeof x === "number" && typeof y === "number") return x - y;
          if (typeof x === "boolean" && typeof y === "boolean") return Number(x) - Number(y);
          return collator.compare(String(x), String(y));
        },
      })),
    [columns, collator],
  );
  const textOf = (column: TableColumn<Row>, row: Row) => column.text?.(row) ?? String(column.value(row) ?? "");
  const size = state.size === "all" ? Math.max(1, mode === "server" ? props.total : props.rows.length) : state.size;
  const table = useReactTable<Row>({
    data: props.rows as Row[],
    columns: definitions,
    state: { sorting: state.sort ? [{ id: state.sort, desc: state.desc }] : [], globalFilter: state.q, pagination: { pageIndex: state.page, pageSize: size } },
    getRowId: (row) => rowKey(row),
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    getPaginationRowModel: getPaginationRowModel(),
    getColumnCanGlobalFilter: () => true,
    globalFilterFn: (row, columnId, filter: string) => {
      const column = columns.find((c) => c.id === columnId);
      return column ? normalise(textOf(column, row.original)).includes(normalise(filter.trim())) : false;
    },
    manualSorting: mode === "server",
    manualFiltering: mode === "server",
    manualPagination: mode === "server",
    rowCount: mode === "server" ? props.total : undefined,
    autoResetPageIndex: false,
  });

  const total = mode === "server" ? props.total : props.rows.length;
  // What the search and sort give, over every page: what the CSV holds.
  const selected = mode === "server" ? table.getRowModel().rows : table.getPrePaginationRowModel().rows;
  const count = mode === "server" ? props.total : selected.length;
  const pageCount = Math.max(1, Math.ceil(count / size));
  const page = Math.min(state.page, pageCount - 1);
  const shown = table.getRowModel().rows;
  const from = count === 0 ? 0 : page * size + 1;
  const to = page * size + shown.length;

  const update = (change: Partial<TableState>) => (event: MouseEvent) => {
    if (mode === "server") return; // the form navigates; the loader answers the page
    event.preventDefault();
    setClientState((s) => ({ ...s, ...change }));
  };

  const download = () => {
    const header = columns.map((c) => c.header);
    const body = selected.map((row) => columns.map((c) => c.csv?.(row.original) ?? csvOf(c, row.original)));
    const blob = new Blob([rowsToCsv([header, ...body])], { type: "text/csv;charset=utf-8" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = `${fileName}.csv`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  };
  const csvOf = (column: TableColumn<Row>, row: Row): CsvCell => {
    const value = column.value(row);
    if (value === null || typeof value === "boolean") return textOf(column, row);
    if (column.kind === "decimal") return { decimal: String(value) };
    return typeof value === "number" ? value : textOf(column, row);
  };

  const searchId = useId();
  const statusId = `${id}-status`;
  const captionId = `${id}-caption`;
  // The rest of the page's URL travels with the table's controls (year, scope, filters).
  const hidden = [...params].filter(([key]) => !key.startsWith(`${id}_`) && key !== "_data" && key !== "index");
  const FormTag = mode === "server" ? Form : "form";
  const current = sortValue(state);

  return (
    <FormTag method="get" className="data-table" data-table={id} preventScrollReset={mode === "server" ? true : undefined} onSubmit={mode === "client" ? (e) => e.preventDefault() : undefined}>
      {hidden.map(([key, value], index) => (
        <input type="hidden" name={key} value={value} key={`${key}-${index}`} />
      ))}
      {current ? <input type="hidden" name={param(id, "sort")} value={current} /> : null}
      <div className="data-table-tools">
        <div className="data-table-search">
          <label htmlFor={searchId}>
            {t("table.search")}
            <span className="visually-hidden"> {caption}</span>
          </label>
          <input
            id={searchId}
            type="search"
            name={param(id, "q")}
            maxLength={100}
            aria-describedby={statusId}
            data-testid={testId ? `${testId}-search` : undefined}
            {...(mode === "client"
              ? { value: state.q, onChange: (e) => setClientState((s) => ({ ...s, q: e.target.value, page: 0 })) }
              : { defaultValue: state.q, key: `q-${state.q}` })}
          />
        </div>
        <label>
          {t("table.pageSize")}
          <select
            name={param(id, "size")}
            data-testid={testId ? `${testId}-size` : undefined}
            {...(mode === "client"
              ? { value: String(state.size), onChange: (e) => setClientState((s) => ({ ...s, size: e.target.value === "all" ? "all" : Number(e.target.value), page: 0 })) }
              : { defaultValue: String(state.size), key: `size-${state.size}` })}
          >
            {(props.pageSizes ?? PAGE_SIZES).map((s) => (
              <option key={s} value={s}>
                {format.number(s)}
              </option>
            ))}
            {mode === "client" ? <option value="all">{t("table.all")}</option> : null}
          </select>
        </label>
        {/* Applies the search and the page size: needed without JavaScript, and for a server table. */}
        <button type="submit" className="secondary" hidden={hydrated && mode === "client"}>
          {t("table.apply")}
        </button>
        {hydrated ? (
          <button type="button" className="secondary" onClick={download} data-testid={testId ? `${testId}-download` : undefined} disabled={count === 0}>
            {t("table.download")}
          </button>
        ) : null}
      </div>
      <p id={statusId} className="data-table-status" role="status" aria-live="polite" aria-atomic="true" data-testid={testId ? `${testId}-status` : undefined} data-count={count} data-total={total}>
        {count === 0
          ? t("table.none", { total: format.number(total) })
          : t("table.status", { rows: format.number(count), total: format.number(total), from: format.number(from), to: format.number(to) })}
      </p>
      <TableScroll labelledBy={captionId} className="data-table-scroll">
        <table className={props.className ? `data ${props.className}` : "data"} data-testid={testId}>
          <caption id={captionId} className={props.captionHidden ? "visually-hidden" : undefined}>
            {caption}
          </caption>
          <thead>
            <tr>
              {columns.map((column) => {
                const numeric = column.kind === "number" || column.kind === "decimal";
                const sorted = state.sort === column.id;
                return (
                  <th
                    scope="col"
                    key={column.id}
                    className={numeric ? "num" : undefined}
                    aria-sort={sorted ? (state.desc ? "descending" : "ascending") : undefined}
                    data-column={column.id}
                  >
                    {column.sortable === false ? (
                      column.header
                    ) : (
                      <button
                        type="submit"
                        className="sort"
                        name={param(id, "by")}
                        value={nextSort(state, column.id)}
                        onClick={update({ sort: column.id, desc: sorted && !state.desc, page: 0 })}
                      >
                        {column.header}
                      </button>
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <tr key={row.id} {...rowProps?.(row.original)}>
                {columns.map((column) => {
                  const numeric = column.kind === "number" || column.kind === "decimal";
                  const content = column.cell ? column.cell(row.original) : textOf(column, row.original);
                  const extra = column.cellProps?.(row.original) ?? {};
                  return column.rowHeader ? (
                    <th scope="row" key={column.id} {...extra}>
                      {content}
                    </th>
                  ) : (
                    <td key={column.id} className={numeric ? "num" : undefined} {...extra}>
                      {content}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {pageCount > 1 ? (
        <nav className="data-table-pages" aria-label={t("table.pages", { name: caption })}>
          <button type="submit" className="secondary" name={param(id, "page")} value="1" disabled={page === 0} onClick={update({ page: 0 })}>
            {t("table.first")}
          </button>
          <button type="submit" className="secondary" name={param(id, "page")} value={String(page)} disabled={page === 0} onClick={update({ page: page - 1 })}>
            {t("table.previous")}
          </button>
          <span data-testid={testId ? `${testId}-page` : undefined}>{t("table.page", { page: format.number(page + 1), pages: format.number(pageCount) })}</span>
          <button type="submit" className="secondary" name={param(id, "page")} value={String(page + 2)} disabled={page >= pageCount - 1} onClick={update({ page: page + 1 })}>
            {t("table.next")}
          </button>
          <button type="submit" className="secondary" name={param(id, "page")} value={String(pageCount)} disabled={page >= pageCount - 1} onClick={update({ page: pageCount - 1 })}>
            {t("table.last")}
          </button>
        </nav>
      ) : null}
    </FormTag>
  );
}
