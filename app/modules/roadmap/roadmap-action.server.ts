import { canEditTrack, type Permission } from "@jeugdregio/access";
import { json, type AppLoadContext } from "@remix-run/node";
import { requireAccess, type RequestAccess } from "~/modules/access/access.server";
import { FieldRefusal, formFields, notFound, nulRefusal, refusalAnswer, type FormOutcome } from "~/modules/http.server";
import type { Actor } from "~/modules/access/actor";
import type { ScopedTransaction } from "~db/tenant-scope";
import { findTrack } from "./roadmap.server";

export interface RoadmapEntry {
  intent: string;
  form: FormData;
  fields: Record<string, string>;
  actor: Actor;
  access: RequestAccess;
}

/** What the user typed, to put back in the form after a refusal (not the intent or the token). */
function typedValues(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter(([name]) => name !== "intent" && !name.startsWith("_")));
}

/**
 * The one way a roadmap form is saved: the permission for the role, and for a track the rule
 * of who edits which track (404 for a track that does not exist, 403 for one the user may only
 * read); the work runs in the user's tenant scope, so row-level security checks a basishulp
 * track's municipality again. A refused field comes back named, with nothing changed.
 */
export async function roadmapAction(
  request: Request,
  context: AppLoadContext,
  permission: Permission,
  trackId: string | null,
  work: (trx: ScopedTransaction, entry: RoadmapEntry) => Promise<unknown>,
): Promise<Response> {
  const access = await requireAccess(request, context, permission);
  if (trackId !== null) {
    const track = await access.run((trx) => findTrack(trx, trackId));
    if (!track) throw notFound();
    if (!canEditTrack(access.user.role, access.user.municipalityCode, { municipalityCode: track.municipality_code })) {
      throw new Response("Forbidden", { status: 403 });
    }
  }
  const form = await request.formData();
  const fields = formFields(form);
  const intent = fields.intent ?? "";
  const refused = nulRefusal(fields);
  if (refused) return refusalAnswer(intent, refused);
  const actor = access.actor;
  try {
    await access.run((trx) => work(trx, { intent, form, fields, actor, access }));
    return json<FormOutcome>({ ok: true, intent });
  } catch (error) {
    // The typed values go back with the refusal, so the form keeps them (also without JavaScript).
    if (error instanceof FieldRefusal) return refusalAnswer(intent, error, typedValues(fields));
    throw error;
  }
}
