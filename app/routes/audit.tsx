import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { DataTable, type TableColumn } from "~/components/table/DataTable";
import { param, sortValue } from "~/components/table/table-state";
import { useFormat } from "~/i18n/useFormat";
import { requireAccess } from "~/modules/access/access.server";
import { auditFilterOptions, auditLogPage, readAuditFilters, readAuditTable } from "~/modules/audit/audit-log.server";
import { AUDIT_PAGE_SIZES, AUDIT_TABLE } from "~/modules/audit/audit-table";
import { pageTitle } from "~/i18n/title";
import { actionLabel, actorLabel } from "~/i18n/stored";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, (t) => [t("nav.audit")]);

/**
 * `/audit?who=&action=&municipality=GM…|none&from=&to=&audit_sort=&audit_q=&audit_page=&audit_size=`:
 * one page of the log, filtered and counted in the database. Who may open it is read:audit
 * (RIGG analysts and administrators); the filters only narrow it.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:audit");
  const params = new URL(request.url).searchParams;
  const { filters, issues } = readAuditFilters(params);
  const table = readAuditTable(params);
  const { options, page } = await access.run(async (trx) => ({
    options: await auditFilterOptions(trx),
    // A question that cannot be asked (a date that is none) gets no rows, not the whole log.
    page: issues.length ? { events: [] as AuditEvents, total: 0, state: table } : await auditLogPage(trx, filters, table),
  }));
  return json({ filters, issues, options, ...page }, { status: issues.length ? 400 : 200 });
}

type AuditEvents = Awaited<ReturnType<typeof auditLogPage>>["events"];
/** A row as the page receives it (its time as JSON text). */
type AuditRow = Omit<AuditEvents[number], "occurred_at"> & { occurred_at: string };

export default function AuditLog() {
  const { events, total, state, filters, issues, options } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const format = useFormat();
  const nameOf = (code: string | null) => (code ? (options.municipalities.find((m) => m.code === code)?.name ?? code) : "");
  const columns: TableColumn<AuditRow>[] = [
    { id: "when", header: t("audit.when"), value: (e) => e.occurred_at, text: (e) => format.dateTime(e.occurred_at) },
    { id: "who", header: t("audit.who"), value: (e) => e.actor_label, text: (e) => actorLabel(t, e.actor_label) },
    { id: "action", header: t("audit.action"), value: (e) => e.action, text: (e) => actionLabel(t, e.action) },
    { id: "outcome", header: t("audit.outcome"), value: (e) => e.outcome, text: (e) => t(`audit.${e.outcome}`) },
    { id: "municipality", header: t("audit.municipality"), value: (e) => e.municipality_code, text: (e) => nameOf(e.municipality_code) },
    { id: "subject", header: t("audit.subject"), value: (e) => e.subject },
  ];
  const issueOf = (field: string) => issues.find((i) => i.field === field);
  const dateField = (field: "from" | "to") => {
    const issue = issueOf(field);
    return (
      <label>
        {t(`audit.${field}`)}
        <input
          type="date"
          name={field}
          defaultValue={filters[field]}
          aria-invalid={issue ? true : undefined}
          aria-describedby={issue ? `audit-${field}-error` : undefined}
          data-testid={`audit-${field}`}
        />
        {issue ? (
          <span id={`audit-${field}-error`} className="field-error">
            {t(`audit.${issue.code}`)}
          </span>
        ) : null}
      </label>
    );
  };
  const sort = sortValue(state);
  return (
    <>
      <h1>{t("audit.title")}</h1>
      <Form method="get" className="filters" aria-label={t("audit.filters")} data-testid="audit-filters">
        {sort ? <input type="hidden" name={param(AUDIT_TABLE, "sort")} value={sort} /> : null}
        <input type="hidden" name={param(AUDIT_TABLE, "size")} value={String(state.size)} />
        <label>
          {t("audit.who")}
          <select name="who" defaultValue={filters.who} data-testid="audit-who">
            <option value="">{t("audit.anyone")}</option>
            {options.actors.map((actor) => (
              <option key={actor} value={actor}>
                {actorLabel(t, actor)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("audit.action")}
          <select name="action" defaultValue={filters.action} data-testid="audit-action">
            <option value="">{t("audit.anyAction")}</option>
            {options.actions.map((action) => (
              <option key={action} value={action}>
                {actionLabel(t, action)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("audit.municipality")}
          <select name="municipality" defaultValue={filters.municipality} data-testid="audit-municipality">
            <option value="">{t("audit.anyMunicipality")}</option>
            <option value="none">{t("audit.noMunicipality")}</option>
            {options.municipalities.map((m) => (
              <option key={m.code} value={m.code}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
        {dateField("from")}
        {dateField("to")}
        <button type="submit" className="secondary">
          {t("audit.show")}
        </button>
        <Link to="/audit">{t("audit.reset")}</Link>
      </Form>
      <DataTable
        mode="server"
        id={AUDIT_TABLE}
        testId="audit-table"
        caption={t("audit.caption")}
        captionHidden
        fileName="logboek"
        rows={events}
        total={total}
        state={state}
        pageSizes={AUDIT_PAGE_SIZES}
        rowKey={(e) => e.id}
        rowProps={(e) => ({ "data-event": e.id })}
        columns={columns}
      />
    </>
  );
}
