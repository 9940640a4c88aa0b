import { formatDate, formatDateTime, formatMoney, formatMonth, formatNumber, formatPercent } from "@jeugdregio/format";
import { useTranslation } from "react-i18next";
import { isLanguage, DEFAULT_LANGUAGE, type Language } from "./config";

/** Formatting bound to the page's language; the only formatter components use. */
export function useFormat() {
  const { i18n } = useTranslation();
  const language: Language = isLanguage(i18n.language) ? i18n.language : DEFAULT_LANGUAGE;
  return {
    language,
    money: (value: Parameters<typeof formatMoney>[0], options?: { cents?: boolean }) => formatMoney(value, language, options),
    number: (value: Parameters<typeof formatNumber>[0], digits?: number) => formatNumber(value, language, digits),
    percent: (value: Parameters<typeof formatPercent>[0], digits?: number) => formatPercent(value, language, digits),
    date: (value: Date | string) => formatDate(value, language),
    dateTime: (value: Date | string) => formatDateTime(value, language),
    month: (yyyyMm: string) => formatMonth(yyyyMm, language),
  };
}
