import type { DecimalSeparator } from "@jeugdregio/tabular";
import { json, type AppLoadContext } from "@remix-run/node";
import { detectLanguage } from "~/i18n/language.server";
import { requireAccess } from "~/modules/access/access.server";
import { FieldRefusal, formFields, nulRefusal, refusalAnswer, type FormOutcome } from "~/modules/http.server";
import type { Actor } from "~/modules/access/actor";
import type { ScopedTransaction } from "~db/tenant-scope";

export interface FinanceEntry {
  intent: string;
  /** The typed fields, as text. */
  fields: Record<string, string>;
  actor: Actor;
  /** Numbers are typed with the decimal separator of the user's language. */
  separator: DecimalSeparator;
}

/** What the user typed, to put back in the form after a refusal (not the intent or the token). */
function typedValues(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter(([name]) => name !== "intent" && !name.startsWith("_")));
}

/**
 * The one way a finance form is saved: the role may write budgets, the municipality is in the
 * user's write scope (404 outside the read scope, 403 inside it), the work runs in the user's
 * tenant scope (row-level security again), and a refused field comes back named, with nothing
 * changed.
 */
export async function financeAction(
  request: Request,
  context: AppLoadContext,
  municipalityCode: string,
  work: (trx: ScopedTransaction, entry: FinanceEntry) => Promise<number>,
): Promise<Response> {
  const access = await requireAccess(request, context, "write:budgets");
  access.requireMunicipality(municipalityCode, "write");
  const fields = formFields(await request.formData());
  const intent = fields.intent ?? "";
  const refused = nulRefusal(fields);
  if (refused) return refusalAnswer(intent, refused);
  const language = await detectLanguage(request, access.user.language);
  const entry: FinanceEntry = {
    intent,
    fields,
    actor: access.actor,
    separator: language === "nl" ? "comma" : "point",
  };
  try {
    const changed = await access.run((trx) => work(trx, entry));
    return json<FormOutcome>({ ok: true, intent, changed });
  } catch (error) {
    // The typed values go back with the refusal, so the form keeps them (also without JavaScript).
    if (error instanceof FieldRefusal) return refusalAnswer(intent, error, typedValues(fields));
    throw error;
  }
}
