const SPREADSHEETS = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/**
 * The file input of an upload form: label, size hint and, after a refused
 * upload, the problem, linked for screen readers. Texts come translated.
 */
export function FileField({
  id,
  label,
  hint,
  problem,
  autoFocus,
}: {
  id: string;
  label: string;
  hint: string;
  /** Translated message when the last upload was refused (no file, too large). */
  problem: string | null;
  autoFocus?: boolean;
}) {
  return (
    <div>
      <label>
        {label}
        <input
          type="file"
          name="file"
          accept={SPREADSHEETS}
          required
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${id}-error ${id}-hint` : `${id}-hint`}
          autoFocus={(autoFocus && problem !== null) || undefined}
        />
      </label>
      <div className="hint" id={`${id}-hint`}>
        {hint}
      </div>
      {problem ? (
        <div className="message error" id={`${id}-error`} role="alert">
          {problem}
        </div>
      ) : null}
    </div>
  );
}
