import type { ActionFunctionArgs, AppLoadContext, EntryContext, LoaderFunctionArgs } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { createInstance, type i18n as I18n } from "i18next";
import { renderToString } from "react-dom/server";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { i18nOptions, type Language } from "./i18n/config";
import { languageOf } from "./i18n/language.server";
import { NonceContext } from "./nonce";

// One instance per language, initialised once: a request never changes an instance (no
// changeLanguage on the server), so they are shared instead of made or cloned per page.
const instances = new Map<Language, Promise<I18n>>();
function instanceFor(lng: Language): Promise<I18n> {
  let instance = instances.get(lng);
  if (!instance) {
    instance = (async () => {
      const created = createInstance();
      await created.use(initReactI18next).init({ ...i18nOptions, supportedLngs: [...i18nOptions.supportedLngs], lng });
      return created;
    })();
    instances.set(lng, instance);
  }
  return instance;
}

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const lng = await languageOf(request, remixContext);
  const i18n = await instanceFor(lng);

  // No route streams (no defer, no Suspense): renderToString does the same work without the
  // streaming machinery, which under load costs a good part of each page.
  const html = renderToString(
    <NonceContext.Provider value={loadContext.cspNonce}>
      <I18nextProvider i18n={i18n}>
        <RemixServer context={remixContext} url={request.url} nonce={loadContext.cspNonce} />
      </I18nextProvider>
    </NonceContext.Provider>,
  );
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  return new Response(`<!DOCTYPE html>${html}`, { headers: responseHeaders, status: responseStatusCode });
}

/** Errors in loaders, actions and the render, to the request's log (an aborted request is no error). */
export function handleError(error: unknown, { request, context }: LoaderFunctionArgs | ActionFunctionArgs) {
  if (request.signal.aborted) return;
  context.logger?.error({ err: error }, "request error");
}
