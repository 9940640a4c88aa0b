import type { TFunction } from "i18next";

/*
 * Codes the database stores (audit actions, actor labels, population sources) stay as they are,
 * in any language; these give their words at render time. What is not a known code (an e-mail
 * address, a file name) is shown as stored.
 */

/** `declarations.import` → "Declaraties geïmporteerd"; an action without a text shows its code. */
export function actionLabel(t: TFunction, action: string): string {
  return t(`stored.actions.${action.replace(/\./g, "_")}`, { defaultValue: action });
}

/** Who did it: the set-up (`seed`), the demo data (`seed --demo`), the command line (`cli:<user>`), else the e-mail as stored. */
export function actorLabel(t: TFunction, label: string | null | undefined): string {
  if (!label) return "";
  if (label === "seed") return t("stored.actors.seed");
  if (label === "seed --demo") return t("stored.actors.demo");
  if (label.startsWith("cli:")) return t("stored.actors.cli", { user: label.slice(4) });
  return label;
}

/** Where an inhabitants figure comes from: the estimate the set-up loads, else the file it was imported from. */
export function populationSourceLabel(t: TFunction, source: string | null | undefined): string {
  if (!source) return "";
  if (source === "seed: starting estimate") return t("stored.sources.seedEstimate");
  return source;
}
