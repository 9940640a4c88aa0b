import i18next from "i18next";
import { describe, expect, it } from "vitest";
import en from "~/i18n/en.json";
import nl from "~/i18n/nl.json";
import { CliFailure } from "~/cli/shared.server";
import { IdenticalLinesRefused } from "~/modules/declarations/import-checks.server";
import { asJsonError, FieldRefusal, FieldRefusals, refusalAnswer, refusalCollector } from "~/modules/http.server";
import { isRefusal, Refusal, REFUSAL_STATUS, refusalKeys, type RefusalKind } from "~/modules/refusal";
import { UserError } from "~/modules/users/users.server";
import { reportTimeoutResponse } from "~/server/request-limits.server";

/** One way to refuse (issue 15 §2): every refusal is a Refusal, its kind fixes the status, its code the message. */
describe("refusals", () => {
  it("are all one type, each with the status of its kind", () => {
    const cases: [Refusal, RefusalKind, number][] = [
      [new FieldRefusal("amount", "notANumber"), "invalid", 400],
      [new UserError("email_taken", "email"), "invalid", 400],
      [new UserError("not_found"), "not_found", 404],
      [new CliFailure("--year must be a year"), "invalid", 400],
      [new IdenticalLinesRefused({ groups: [], groupCount: 0, repeated: 0 }), "conflict", 409],
    ];
    for (const [refusal, kind, status] of cases) {
      expect(isRefusal(refusal), refusal.name).toBe(true);
      expect([refusal.name, refusal.kind, refusal.status]).toEqual([refusal.name, kind, status]);
    }
    expect(new CliFailure("--year must be a year").message).toBe("--year must be a year");
    expect(isRefusal(new Error("boom"))).toBe(false);
  });

  it("answer JSON routes with the kind's status and the code, the field and the parameters", async () => {
    const answer = asJsonError(new FieldRefusal("year", "invalid_year", { given: "abc" })) as Response;
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ error: "invalid_year", field: "year", given: "abc" });
    expect(answer.headers.get("cache-control")).toBe("private, no-store");
    const missing = asJsonError(new UserError("not_found")) as Response;
    expect([missing.status, await missing.json()]).toEqual([404, { error: "not_found" }]);
    // Anything that is not a refusal is left alone (it becomes the logged 500, never echoed).
    const crash = new Error("relation does not exist");
    expect(asJsonError(crash)).toBe(crash);
    // The report timeout keeps its shape: {error, seconds}, 503, retry later.
    const timeout = reportTimeoutResponse(30);
    expect([timeout.status, await timeout.json(), timeout.headers.get("retry-after")]).toEqual([503, { error: "report_timeout", seconds: 30 }, "60"]);
  });

  it("answer forms with the field, the code and the status of the kind", async () => {
    const answer = refusalAnswer("save", new FieldRefusal("amount", "notANumber", { row: 3 }));
    expect([answer.status, await answer.json()]).toEqual([
      400,
      { ok: false, intent: "save", field: "amount", code: "notANumber", params: { row: 3 }, issues: [{ field: "amount", code: "notANumber", params: { row: 3 } }] },
    ]);
  });

  it("are collected per field, so a form answers every problem at once", async () => {
    const check = refusalCollector();
    expect(check.take(() => 5)).toBe(5);
    expect(check.take(() => { throw new FieldRefusal("a", "notNumber"); })).toBeUndefined();
    check.refuse(new FieldRefusal("b", "reasonRequired"));
    expect(() => check.take(() => { throw new Error("not a refusal"); })).toThrow("not a refusal");
    let thrown: unknown;
    try {
      check.done();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(FieldRefusals);
    const answer = await refusalAnswer("save", thrown as FieldRefusal, { a: "veel" }).json();
    expect(answer).toMatchObject({ field: "a", code: "notNumber", values: { a: "veel" } });
    expect(answer.issues.map((i: { field: string }) => i.field)).toEqual(["a", "b"]);
    const none = refusalCollector();
    expect(() => none.done()).not.toThrow();
  });

  it("read as a sentence in both languages, the kind's own when a page has no message for the code", async () => {
    const kinds = Object.keys(REFUSAL_STATUS) as RefusalKind[];
    for (const [language, resources] of [["nl", nl], ["en", en]] as const) {
      const i18n = i18next.createInstance();
      await i18n.init({ lng: language, resources: { [language]: { translation: resources } }, interpolation: { escapeValue: false } });
      for (const kind of kinds) {
        const text = i18n.t(refusalKeys("users", { code: "no_such_code", kind }));
        expect(text, `${language} ${kind}`).not.toMatch(/refusals\.|no_such_code/);
        expect(text.length).toBeGreaterThan(5);
      }
      // A known code keeps its own message.
      expect(i18n.t(refusalKeys("users", { code: "email_taken" }))).toBe(resources.users.errors.email_taken);
    }
  });
});
