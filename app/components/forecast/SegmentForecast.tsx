import { SEGMENT_COLUMNS } from "@jeugdregio/metrics";
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useFormat } from "~/i18n/useFormat";
import type { ForecastJson } from "./api";
import { BandReason, NoForecast } from "./ForecastParts";

const ROWS = ["realised", "expected_late", "expected_remaining", "forecast", "band", "same_period_last_year"] as const;

/**
 * The segment overview's forecast for a year that is not complete: per column realised,
 * expected late, expected remaining, the forecast with its band and the same period last
 * year, with a link to the forecast page.
 */
export function SegmentForecast({ report, scopeName, month }: { report: ForecastJson; scopeName: string; month: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const link = `/forecast?${new URLSearchParams({ scope: report.scope, year: String(report.year) })}`;
  return (
    <section aria-labelledby="segment-forecast-title" data-testid="segment-forecast">
      <h2 id="segment-forecast-title">{t("forecast.overview.title", { year: report.year })}</h2>
      <p className="message warning" data-testid="year-incomplete">
        {t("forecast.overview.incomplete", { year: report.year, month })}
      </p>
      {!report.available ? (
        <NoForecast report={report} />
      ) : (
        <>
          <p className="hint" data-testid="forecast-basis">
            {t("forecast.basis", { date: format.date(report.declared_through) })}
          </p>
          <div className="table-scroll" role="region" aria-labelledby="segment-forecast-caption" tabIndex={0}>
            <table className="segment-table" data-testid="segment-forecast-table">
              <caption id="segment-forecast-caption">{t("forecast.overview.caption", { scope: scopeName, year: report.year })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("segments.measure")}</th>
                  {SEGMENT_COLUMNS.map((c) => (
                    <th scope="col" className="num" key={c}>
                      {t(`segments.columns.${c}`)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {ROWS.map((row) => (
                  <tr key={row} data-row={row}>
                    <th scope="row">{t(`forecast.figures.${row}`)}</th>
                    {SEGMENT_COLUMNS.map((c) => {
                      const s = report.segments[c];
                      return (
                        <td className={row === "band" ? "num band" : "num"} key={c} data-testid={`forecast-${c}-${row}`}>
                          {row === "band" ? (
                            s.low !== null && s.high !== null ? (
                              <>
                                {/* May wrap between the two amounts, so all seven columns fit the page. */}
                                <span className="amount">{format.money(s.low, { cents: false })} –</span> <span className="amount">{format.money(s.high, { cents: false })}</span>
                              </>
                            ) : (
                              <BandReason reason={s.band_reason} />
                            )
                          ) : (
                            format.money(s[row], { cents: false })
                          )}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <p>
        <Link to={link} data-testid="forecast-link">
          {t("forecast.overview.link")}
        </Link>
      </p>
    </section>
  );
}
