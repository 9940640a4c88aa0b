import { useTranslation } from "react-i18next";
import type { FormIssue } from "~/modules/http.server";
import { refusalKeys } from "~/modules/refusal";
import { FormField, type ControlProps } from "~/components/forms/FormField";
import { entryInput, issueInput } from "~/modules/roadmap/roadmap-form";
import type { RoadmapResult } from "./RoadmapNotice";

/** A roadmap form's last answer, for the form with this intent: which inputs to mark and what was typed. */
export interface RoadmapFormState {
  result: RoadmapResult | undefined;
  intent: string;
}

/** The refusal of one input of the form and what the user had typed there; none after a save or for another form. */
export function inputState(form: RoadmapFormState, name: string): { issue: FormIssue | undefined; typed: string | undefined } {
  const { result, intent } = form;
  if (!result || result.ok || result.intent !== intent) return { issue: undefined, typed: undefined };
  const issue = (result.issues?.length ? result.issues : [result]).find((i) => issueInput(i) === name);
  return { issue, typed: result.values?.[name] };
}

export interface FieldOption {
  value: string;
  label: string;
  disabled?: boolean;
}

type Control =
  | { kind: "text" | "date" | "month"; size?: number; placeholder?: string; inputMode?: "numeric" | "decimal" }
  | { kind: "textarea"; rows?: number }
  | { kind: "select"; options: readonly FieldOption[] };

/**
 * A roadmap form's input with its label, hint and error: prefilled with the stored value, or after
 * a refused save with what was typed; a refused input is marked (aria-invalid) and its reason
 * is next to it and read with it (aria-describedby). In a table cell `label` is read, not shown.
 */
export function RoadmapField({
  form,
  name,
  label,
  hint,
  value,
  control,
  labelHidden,
}: {
  form: RoadmapFormState;
  name: string;
  label: string;
  hint?: string;
  value: string;
  control: Control;
  /** In a table row the column names the input: the label is its accessible name only. */
  labelHidden?: boolean;
}) {
  const { t } = useTranslation();
  const { issue, typed } = inputState(form, name);
  const id = `${form.intent}-${name}`;
  const common = (props: ControlProps) => ({ id, name, defaultValue: typed ?? value, ...props });
  return (
    <FormField
      className={labelHidden ? "roadmap-field compact" : "roadmap-field"}
      dataInput={name}
      label={label}
      labelFor={id}
      labelHidden={labelHidden}
      hint={hint}
      hintId={`${id}-hint`}
      error={issue ? t(refusalKeys("roadmap", { code: issue.code }), issue.params) : undefined}
      errorId={`${id}-error`}
    >
      {(props) =>
        control.kind === "textarea" ? (
          <textarea rows={control.rows ?? 2} {...common(props)} />
        ) : control.kind === "select" ? (
          <select {...common(props)}>
            {control.options.map((o) => (
              <option key={o.value} value={o.value} disabled={o.disabled}>
                {o.label}
              </option>
            ))}
          </select>
        ) : (
          <input type={control.kind === "text" ? undefined : control.kind} size={control.size} placeholder={control.placeholder} inputMode={control.inputMode} autoComplete="off" {...common(props)} />
        )
      }
    </FormField>
  );
}

const HEALTHS = ["on_track", "at_risk", "delayed"] as const;

/** The three healths a form may record, after an optional first option (none, or "not assessed"). */
export function healthOptions(t: (key: string) => string, first?: FieldOption): FieldOption[] {
  return [...(first ? [first] : []), ...HEALTHS.map((h) => ({ value: h, label: t(`roadmap.health.${h}`) }))];
}

/**
 * One segment's entry in the review form: its health, the reason, decisions, risks, next steps,
 * and (when the segment has earlier entries) which one it corrects; marked per input when refused.
 */
export function SegmentEntryFields({ form, segment, earlier }: { form: RoadmapFormState; segment: string; earlier: readonly { id: number; body: string; heldOn: string }[] }) {
  const { t } = useTranslation();
  const text = (field: "health_reason" | "decisions" | "risks" | "next_steps", control: Control) => (
    <RoadmapField form={form} name={entryInput(field, segment)} label={t(`roadmap.fields.${field}`)} value="" control={control} />
  );
  return (
    <fieldset data-segment={segment}>
      <legend>{t(`segments.columns.${segment}`)}</legend>
      <RoadmapField
        form={form}
        name={entryInput("health", segment)}
        label={t("roadmap.fields.health")}
        value=""
        control={{ kind: "select", options: healthOptions(t, { value: "", label: t("roadmap.noEntry") }) }}
      />
      {text("health_reason", { kind: "text", size: 60 })}
      {text("decisions", { kind: "textarea" })}
      {text("risks", { kind: "textarea" })}
      {text("next_steps", { kind: "textarea" })}
      {earlier.length ? (
        <RoadmapField
          form={form}
          name={entryInput("corrects", segment)}
          label={t("roadmap.fields.corrects")}
          value=""
          control={{ kind: "select", options: [{ value: "", label: t("roadmap.notACorrection") }, ...earlier.map((e) => ({ value: String(e.id), label: `${e.body} (${e.heldOn})` }))] }}
        />
      ) : null}
    </fieldset>
  );
}
