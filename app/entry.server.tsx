import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { createInstance, type i18n as I18n } from "i18next";
import { renderToString } from "react-dom/server";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { DEFAULT_LANGUAGE, i18nOptions } from "./i18n/config";
import { languageOf } from "./i18n/language.server";

const ABORT_DELAY = 5_000;

// One instance holds both languages' resources; each request gets a light clone in its own
// language (initialising a new instance per request cost a few ms of every page).
let base: Promise<I18n> | null = null;
function baseInstance(): Promise<I18n> {
  base ??= (async () => {
    const instance = createInstance();
    await instance.use(initReactI18next).init({ ...i18nOptions, supportedLngs: [...i18nOptions.supportedLngs], lng: DEFAULT_LANGUAGE });
    return instance;
  })();
  return base;
}

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  _loadContext: AppLoadContext,
) {
  const lng = await languageOf(request, remixContext);
  const i18n = (await baseInstance()).cloneInstance({ lng });

  // No route streams (no defer, no Suspense): renderToString does the same work without the
  // streaming machinery, which under load costs a good part of each page.
  const html = renderToString(
    <I18nextProvider i18n={i18n}>
      <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />
    </I18nextProvider>,
  );
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  return new Response(`<!DOCTYPE html>${html}`, { headers: responseHeaders, status: responseStatusCode });
}
