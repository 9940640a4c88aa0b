import type { EntryContext } from "@remix-run/node";
import { DEFAULT_LANGUAGE, isLanguage, type Language } from "./config";
import { i18nServer, languageCookie } from "./i18n.server";

/**
 * The page language: the cookie set by the switch, else the logged-in user's
 * profile, else the visitor's Accept-Language, else Dutch.
 */
export async function detectLanguage(request: Request, profileLanguage: Language | null): Promise<Language> {
  const fromCookie: unknown = await languageCookie.parse(request.headers.get("Cookie"));
  if (isLanguage(fromCookie)) return fromCookie;
  if (profileLanguage) return profileLanguage;
  const detected = await i18nServer.getLocale(request);
  return isLanguage(detected) ? detected : DEFAULT_LANGUAGE;
}

/** The document renders in the language the root loader chose. */
export async function languageOf(request: Request, remixContext: EntryContext): Promise<Language> {
  const rootData = remixContext.staticHandlerContext.loaderData?.root as { language?: unknown } | undefined;
  if (isLanguage(rootData?.language)) return rootData.language;
  return detectLanguage(request, null);
}
