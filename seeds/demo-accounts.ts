import type { Role } from "@jeugdregio/access";

/** One account per role (and a second municipality), for the embedded demo only. */
export const DEMO_PASSWORD = "demo-wachtwoord";

export interface DemoAccount {
  email: string;
  displayName: string;
  role: Role;
  municipalityCode: string | null;
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { email: "groningen.lezer@demo.jeugdregio.nl", displayName: "Anna de Vries", role: "municipal_viewer", municipalityCode: "GM0014" },
  { email: "groningen.editor@demo.jeugdregio.nl", displayName: "Bram Jansen", role: "municipal_editor", municipalityCode: "GM0014" },
  { email: "hogeland.lezer@demo.jeugdregio.nl", displayName: "Carla Smit", role: "municipal_viewer", municipalityCode: "GM1966" },
  { email: "analist@demo.jeugdregio.nl", displayName: "Dirk Bakker", role: "rigg_analyst", municipalityCode: null },
  { email: "stuurgroep@demo.jeugdregio.nl", displayName: "Eva Visser", role: "steering_member", municipalityCode: null },
  { email: "beheer@demo.jeugdregio.nl", displayName: "Frank Mulder", role: "admin", municipalityCode: null },
];
