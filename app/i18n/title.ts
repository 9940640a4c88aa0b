import { createInstance, type TFunction } from "i18next";
import type { MetaDescriptor } from "@remix-run/node";
import { DEFAULT_LANGUAGE, i18nOptions, isLanguage, LANGUAGES, type Language } from "./config";

// Meta functions run outside React (server and client), so they translate through their own
// instance: the resources are inline, so it initialises synchronously.
const instance = createInstance();
void instance.init({ ...i18nOptions, supportedLngs: [...LANGUAGES], lng: DEFAULT_LANGUAGE, initImmediate: false });

type Matches = readonly { id: string; data: unknown }[];

/** The page language the root loader chose (the root's data is in every match list). */
export function titleLanguage(matches: Matches): Language {
  const root = matches.find((m) => m.id === "root")?.data as { language?: unknown } | undefined;
  return isLanguage(root?.language) ? root.language : DEFAULT_LANGUAGE;
}

/**
 * A page's `<title>`: its name, then what it shows (scope, year, …), then the product,
 * e.g. "Segmenten · Groningen · 2025 · Jeugdregio Insight". `parts` gets the page's `t`;
 * empty parts are left out, so a page without data yet still has a title.
 */
export function pageTitle(
  matches: Matches,
  parts: (t: TFunction, language: Language) => (string | number | null | undefined | false)[],
): MetaDescriptor[] {
  const language = titleLanguage(matches);
  const t = instance.getFixedT(language);
  return [{ title: titleText(t, parts(t, language)) }];
}

/** The parts and the product, joined; for a page that changes what it shows without a new page (document.title). */
export function titleText(t: (key: "app.name") => string, parts: (string | number | null | undefined | false)[]): string {
  const shown = parts.filter((p): p is string | number => typeof p === "number" || (typeof p === "string" && p.trim() !== ""));
  return [...shown, t("app.name")].join(" · ");
}
