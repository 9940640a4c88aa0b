import { useCombobox } from "downshift";
import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

export interface ScopeChoice {
  code: string;
  name: string;
}

/** At most this many matches are listed: typing narrows (342 municipalities at national scale). */
const SHOWN = 30;

const fold = (text: string) =>
  text
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLocaleLowerCase("nl");

/**
 * The scope choice (the region or one municipality) as a searchable combobox (WAI-ARIA 1.2
 * combobox with a listbox, from downshift's useCombobox): focus selects the current name, so typing
 * replaces it; type part of a name or a code, arrows to move, Enter to pick, Escape to close. Only the matches are rendered, and only while the list
 * is open, instead of an `<option>` per municipality on every render. The picked code travels in
 * a hidden `name` field, so the surrounding GET form submits it; `onPick` lets a page react at
 * once.
 */
/**
 * The pages remount the picker when the scope changes (key={scope}), which would drop the focus
 * on the page's body, and a keyboard user would start again from the top (WCAG 2.4.3): the picker
 * a choice was made in notes it here, and its successor takes the focus back when it mounts.
 */
let refocus: { testId: string; at: number } | null = null;

export function ScopePicker({
  value,
  municipalities,
  onPick,
  name = "scope",
  testId = "scope-select",
}: {
  value: string;
  municipalities: readonly ScopeChoice[];
  onPick?: (code: string) => void;
  name?: string;
  testId?: string;
}) {
  const { t } = useTranslation();
  const choices = useMemo<ScopeChoice[]>(() => [{ code: "region", name: t("segments.region") }, ...municipalities], [municipalities, t]);
  const byCode = useMemo(() => new Map(choices.map((c) => [c.code, c])), [choices]);
  const initial = byCode.get(value) ?? null;
  // The search text, folded; empty while the field shows the choice (then everything is listed).
  const [query, setQuery] = useState("");
  const inputRef = useRef<HTMLInputElement | null>(null);
  useEffect(() => {
    if (refocus?.testId === testId && Date.now() - refocus.at < 5_000) inputRef.current?.focus({ preventScroll: true });
    refocus = null;
  }, [testId]);
  const matches = useMemo(() => (query ? choices.filter((c) => fold(c.name).includes(query) || c.code.toLowerCase().includes(query)) : choices), [choices, query]);
  const shown = matches.slice(0, SHOWN);
  const unlisted = matches.length - shown.length;

  // The input's text is downshift's own state (a controlled text lost keystrokes typed quickly).
  const { isOpen, highlightedIndex, selectedItem, getLabelProps, getInputProps, getMenuProps, getItemProps, getToggleButtonProps } = useCombobox<ScopeChoice>({
    items: shown,
    itemToString: (item) => item?.name ?? "",
    itemToKey: (item) => item?.code,
    initialSelectedItem: initial,
    initialInputValue: initial?.name ?? "",
    onInputValueChange: ({ inputValue, selectedItem: current }) => setQuery(current && inputValue === current.name ? "" : fold((inputValue ?? "").trim())),
    onSelectedItemChange: ({ selectedItem: chosen }) => {
      if (!chosen) return;
      if (inputRef.current && document.activeElement === inputRef.current) refocus = { testId, at: Date.now() };
      onPick?.(chosen.code);
    },
    // Leaving the field, or Escape, without picking keeps the current choice and puts its name back
    // (downshift would pick the highlighted item on blur, and clear the choice on a second Escape).
    stateReducer: (state, { type, changes }) => {
      if (type === useCombobox.stateChangeTypes.InputBlur || type === useCombobox.stateChangeTypes.InputKeyDownEscape) {
        return { ...changes, selectedItem: state.selectedItem, inputValue: state.selectedItem?.name ?? "" };
      }
      return changes;
    },
  });
  const picked = selectedItem ?? initial;

  return (
    <div className="scope-picker">
      <label {...getLabelProps()}>{t("segments.scope")}</label>
      <div className="scope-picker-field">
        <input {...getInputProps({ ref: inputRef, spellCheck: false, autoComplete: "off", onFocus: (event) => event.currentTarget.select() })} data-testid={testId} placeholder={t("scopePicker.placeholder")} />
        <button type="button" className="secondary scope-picker-toggle" {...getToggleButtonProps()} aria-label={t("scopePicker.toggle")}>
          <span aria-hidden="true">▾</span>
        </button>
      </div>
      <input type="hidden" name={name} value={picked?.code ?? value} />
      <ul {...getMenuProps()} className="scope-picker-list" hidden={!isOpen} data-testid={`${testId}-list`}>
        {isOpen
          ? shown.map((item, index) => (
              <li key={item.code} className={highlightedIndex === index ? "highlighted" : undefined} {...getItemProps({ item, index })}>
                {item.name}
                {item.code !== "region" ? <span className="scope-picker-code"> {item.code}</span> : null}
              </li>
            ))
          : null}
      </ul>
      <p className="visually-hidden" role="status" aria-live="polite">
        {isOpen ? (matches.length ? t("scopePicker.matches", { count: matches.length, shown: shown.length }) : t("scopePicker.none")) : ""}
      </p>
      {isOpen && !matches.length ? <p className="scope-picker-none">{t("scopePicker.none")}</p> : null}
      {isOpen && unlisted ? <p className="scope-picker-more">{t("scopePicker.more", { count: unlisted })}</p> : null}
    </div>
  );
}
