/** Who referred the client (verwijzer), as stored. */
export const REFERRER_KEYS = [
  "local_team",
  "gp",
  "youth_doctor",
  "medical_specialist",
  "certified_institution",
  "other",
] as const;

export type ReferrerKey = (typeof REFERRER_KEYS)[number];

/**
 * Accepted spellings (compared lower-case, with runs of spaces, "_" and "-" read as one space).
 * The two-digit codes are the iJw referrer types (code list JZ021 "Verwijzer type").
 */
const SPELLINGS: Record<ReferrerKey, readonly string[]> = {
  local_team: [
    "local team",
    "lokaal team",
    "lokale team",
    "wijkteam",
    "sociaal team",
    "gemeente",
    "gemeentelijke toegang",
    "municipality",
    "01",
  ],
  gp: ["gp", "huisarts", "general practitioner", "02"],
  youth_doctor: ["youth doctor", "jeugdarts", "03"],
  certified_institution: ["certified institution", "gecertificeerde instelling", "gi", "04"],
  medical_specialist: ["medical specialist", "medisch specialist", "05"],
  // 06: "Rechter, Officier van Justitie of functionaris justitiële jeugdinrichting"
  other: ["other", "overig", "overige", "anders", "06", "rechter", "officier van justitie", "judicial"],
};

const BY_SPELLING: ReadonlyMap<string, ReferrerKey> = new Map(
  (Object.entries(SPELLINGS) as [ReferrerKey, readonly string[]][]).flatMap(([key, spellings]) => [
    [normalise(key), key] as const,
    ...spellings.map((s) => [normalise(s), key] as const),
  ])
);

function normalise(text: string): string {
  return text.trim().toLowerCase().replace(/[\s_-]+/g, " ");
}

/**
 * Maps a referrer cell to its key: Dutch or English words (case-insensitive), the keys
 * themselves, or the iJw referrer type code `01`–`06` (also written `1`–`6`, or as an XLSX
 * number). Returns null when it is not recognised.
 */
export function parseReferrer(value: string | number): ReferrerKey | null {
  let text: string;
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value < 1 || value > 6) return null;
    text = `0${value}`;
  } else {
    text = normalise(value);
    if (/^\d$/.test(text)) text = `0${text}`;
  }
  return BY_SPELLING.get(text) ?? null;
}
