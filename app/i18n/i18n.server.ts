import { createCookie } from "@remix-run/node";
import { RemixI18Next } from "remix-i18next/server";
import { DEFAULT_LANGUAGE, LANGUAGES, i18nOptions } from "./config";

/** Remembers the chosen language for a year; not secret, readable by the page. */
export const languageCookie = createCookie("jr_lang", {
  path: "/",
  sameSite: "lax",
  httpOnly: false,
  maxAge: 365 * 24 * 3600,
});

export const i18nServer = new RemixI18Next({
  detection: {
    supportedLanguages: [...LANGUAGES],
    fallbackLanguage: DEFAULT_LANGUAGE,
    cookie: languageCookie,
    order: ["cookie", "header"],
  },
  i18next: { ...i18nOptions, supportedLngs: [...LANGUAGES] },
});
