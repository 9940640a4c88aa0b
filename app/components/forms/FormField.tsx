import type { ReactNode } from "react";

/** What a field's control gets from its shell: marked when refused, described by its error and hint. */
export interface ControlProps {
  "aria-invalid"?: true;
  "aria-describedby"?: string;
  "aria-label"?: string;
}

/**
 * The one shell of a form field (users, finance and roadmap forms): the label around the control,
 * the hint and the refusal's reason outside the label (so they are read once, through
 * aria-describedby), the control marked with aria-invalid when refused. The ids are the caller's
 * (`errorId`, `hintId`), so each form keeps its own. With `labelHidden` (a table cell, where the
 * column names the input) the label is the control's accessible name only.
 */
export function FormField({
  label,
  labelFor,
  hint,
  hintId,
  error,
  errorId,
  errorAlert,
  labelHidden,
  className,
  dataInput,
  children,
}: {
  label: string;
  /** The control's id, when it has one. */
  labelFor?: string;
  hint?: string;
  hintId: string;
  error: string | undefined;
  errorId: string;
  /** The reason as an alert (announced at once) instead of plain text under the field. */
  errorAlert?: boolean;
  labelHidden?: boolean;
  className?: string;
  dataInput?: string;
  children: (props: ControlProps) => ReactNode;
}) {
  const describedBy = [error ? errorId : null, hint ? hintId : null].filter(Boolean).join(" ") || undefined;
  const control = children({
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy,
    ...(labelHidden ? { "aria-label": label } : {}),
  });
  return (
    <div className={className} data-input={dataInput}>
      {labelHidden ? (
        control
      ) : (
        <label htmlFor={labelFor}>
          {label}
          {control}
        </label>
      )}
      {hint ? (
        <div className="hint" id={hintId}>
          {hint}
        </div>
      ) : null}
      {error ? (
        errorAlert ? (
          <div className="message error" id={errorId} role="alert">
            {error}
          </div>
        ) : (
          <div className="field-error" id={errorId}>
            {error}
          </div>
        )
      ) : null}
    </div>
  );
}
