/** The glossary's sections and terms, in page order; a term's name is the label the pages use where they have one. */
export const GLOSSARY: readonly { id: string; terms: readonly { id: string; label: string }[] }[] = [
  {
    id: "counting",
    terms: [
      { id: "declaration_line", label: "glossary.terms.declaration_line" },
      { id: "scope", label: "glossary.terms.scope" },
      { id: "mapping", label: "glossary.terms.mapping" },
      { id: "year", label: "glossary.terms.year" },
      { id: "as_of", label: "glossary.terms.as_of" },
    ],
  },
  {
    id: "segments",
    terms: [
      { id: "all", label: "segments.columns.all" },
      { id: "basishulp", label: "segments.columns.basishulp" },
      { id: "aanvullende_hulp", label: "segments.columns.aanvullende_hulp" },
      { id: "onderwijs", label: "segments.columns.onderwijs" },
      { id: "hsj", label: "segments.columns.hsj" },
      { id: "wonen", label: "segments.columns.wonen" },
      { id: "unassigned", label: "segments.columns.unassigned" },
    ],
  },
  {
    id: "table",
    terms: [
      { id: "clients", label: "segments.measures.clients" },
      { id: "spending", label: "segments.measures.spending" },
      { id: "avg_per_client", label: "segments.measures.avg_per_client" },
      { id: "providers", label: "segments.measures.providers" },
      { id: "spending_80", label: "segments.measures.spending_80" },
      { id: "providers_80", label: "segments.measures.providers_80" },
      { id: "fewer_than_5", label: "segments.fewerThan5" },
    ],
  },
  {
    id: "concentration",
    terms: [
      { id: "share", label: "concentration.columns.share" },
      { id: "top10_share", label: "concentration.top10Share" },
      { id: "hhi", label: "concentration.columns.hhi" },
      { id: "inhabitants", label: "glossary.terms.inhabitants" },
      { id: "spending_per_inhabitant", label: "compare.metrics.spending_per_inhabitant" },
      { id: "clients_per_1000", label: "compare.metrics.clients_per_1000" },
    ],
  },
  {
    id: "forecast",
    terms: [
      { id: "forecast", label: "glossary.terms.forecast" },
      { id: "band", label: "glossary.terms.band" },
    ],
  },
  {
    id: "budget",
    terms: [
      { id: "base", label: "budgets.steps.base" },
      { id: "scope_share", label: "budgets.steps.scope" },
      { id: "expected_development", label: "budgets.steps.expected_development" },
      { id: "volume", label: "budgets.steps.volume" },
      { id: "index", label: "budgets.steps.index" },
      { id: "structural_adjustment", label: "budgets.steps.structural_adjustment" },
      { id: "gross", label: "budgets.steps.gross" },
      { id: "ict_housing", label: "glossary.terms.ict_housing" },
      { id: "execution", label: "budgets.steps.execution" },
      { id: "settlement", label: "glossary.terms.settlement" },
      { id: "closed_square", label: "glossary.terms.closed_square" },
    ],
  },
  {
    id: "roadmap",
    terms: [
      { id: "track", label: "glossary.terms.track" },
      { id: "late_step", label: "glossary.terms.late_step" },
      { id: "cannot_finish", label: "glossary.terms.cannot_finish" },
    ],
  },
];
