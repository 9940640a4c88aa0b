import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, TEST_PASSWORD, type TestServer } from "../support/server";

/**
 * Account management through the admin pages, over real HTTP against the
 * built app: forms post to the route itself, errors come back translated,
 * and only admins get in.
 */
let database: TestDatabase;
let server: TestServer;
const users = {
  admin: { email: "admin@rigg.test", role: "admin" },
  viewer: { email: "viewer@groningen.test", role: "municipal_viewer", municipalityCode: "GM0014" },
  editor: { email: "editor@hogeland.test", role: "municipal_editor", municipalityCode: "GM1966" },
  analyst: { email: "analyst@rigg.test", role: "rigg_analyst" },
  steering: { email: "member@soo.test", role: "steering_member" },
  target: { email: "target@groningen.test", role: "municipal_viewer", municipalityCode: "GM0014", displayName: "Tess Target" },
} as const;
type Who = keyof typeof users;
const ids = {} as Record<Who, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db);
  for (const [key, user] of Object.entries(users)) ids[key as Who] = (await addUser(database.db, user)).id;
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

let ipCounter = 0;
/** A fresh browser with its own address, so login rate limits never interfere. */
function browser() {
  ipCounter += 1;
  return new HttpClient(server.baseUrl, { "x-forwarded-for": `203.0.113.${ipCounter}` });
}

async function as(who: Who, password = TEST_PASSWORD) {
  const client = browser();
  const response = await client.logIn(users[who].email, password);
  expect(response.status).toBe(302);
  return client;
}

// As the owner: the application role cannot read password hashes (migration 0013), the test must.
function allUsers() {
  return database.db.selectFrom("app_user").selectAll().orderBy("email").execute();
}

async function userByEmail(email: string) {
  return database.db.selectFrom("app_user").selectAll().where("email", "=", email).executeTakeFirst();
}

function auditRows(action: string) {
  return withTenantScope(database.db, ALL_TENANTS, (trx) =>
    trx.selectFrom("audit_event").selectAll().where("action", "=", action).orderBy("id").execute(),
  );
}

const newUserForm = (overrides: Record<string, string> = {}) => ({
  email: "New.Person@Groningen.test",
  displayName: "Nina Nieuw",
  role: "municipal_editor",
  municipalityCode: "GM0014",
  password: "a-long-enough-password",
  ...overrides,
});

describe("the user list", () => {
  it("shows every account with role, municipality and status, and links to each", async () => {
    const admin = await as("admin");
    const response = await admin.get("/admin/users");
    expect(response.status).toBe(200);
    const html = await response.text();
    for (const user of Object.values(users)) expect(html).toContain(user.email);
    expect(html).toContain("RIGG-analist");
    expect(html).toContain("Gemeente (bewerken)");
    expect(html).toContain("Het Hogeland");
    expect(html).toContain("Actief");
    expect(html).toContain(`href="/admin/users/${ids.target}"`);
    expect(html).toContain('href="/admin/users/new"');
  });

  it("sends a visitor without a session to the login page", async () => {
    const response = await browser().get("/admin/users");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
  });
});

describe("creating a user", () => {
  it("offers every role and every municipality, each with a label", async () => {
    const admin = await as("admin");
    const response = await admin.get("/admin/users/new");
    expect(response.status).toBe(200);
    const html = await response.text();
    for (const role of ["municipal_viewer", "municipal_editor", "rigg_analyst", "steering_member", "admin"]) {
      expect(html).toContain(`value="${role}"`);
    }
    for (const code of ["GM0014", "GM1966", "GM1950"]) expect(html).toContain(`value="${code}"`);
    expect(html).toContain("Minimaal 10 tekens.");
    // Every field sits inside its label.
    for (const name of ["email", "displayName", "role", "municipalityCode", "password"]) {
      expect(html).toMatch(new RegExp(`<label>[^<]*<(input|select)[^>]*name="${name}"`));
    }
  });

  it("creates the account through the form; the new user can log in", async () => {
    const admin = await as("admin");
    const response = await admin.post("/admin/users/new", newUserForm());
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/admin/users?created=1");
    const list = await (await admin.get("/admin/users?created=1")).text();
    expect(list).toContain("Gebruiker aangemaakt.");
    expect(list).toContain("new.person@groningen.test");

    const stored = await userByEmail("new.person@groningen.test");
    expect(stored).toMatchObject({ display_name: "Nina Nieuw", role: "municipal_editor", municipality_code: "GM0014", disabled_at: null });
    expect(stored!.password_hash).not.toContain("a-long-enough-password");

    const newcomer = browser();
    const login = await newcomer.logIn("new.person@groningen.test", "a-long-enough-password");
    expect(login.status).toBe(302);
    expect(login.headers.get("location")).toBe("/");
    const home = await (await newcomer.get("/")).text();
    expect(home).toContain("Nina Nieuw");

    const audit = await auditRows("user.create");
    expect(audit.find((e) => e.subject === "new.person@groningen.test")).toMatchObject({
      actor_user_id: ids.admin,
      actor_label: users.admin.email,
      outcome: "success",
    });
    expect(JSON.stringify(audit)).not.toContain("a-long-enough-password");
  });

  const invalid: { name: string; form: Record<string, string>; field: string; message: string }[] = [
    {
      name: "a municipal role without a municipality",
      form: { email: "nomuni@groningen.test", municipalityCode: "" },
      field: "municipalityCode",
      message: "Een gemeentelijke rol hoort bij precies één gemeente.",
    },
    {
      name: "a municipality with a regional role",
      form: { email: "regional@rigg.test", role: "rigg_analyst", municipalityCode: "GM0014" },
      field: "municipalityCode",
      message: "Deze rol hoort niet bij een gemeente.",
    },
    {
      name: "an e-mail address that is taken (in any case)",
      form: { email: "Viewer@Groningen.test" },
      field: "email",
      message: "Er bestaat al een account met dit e-mailadres.",
    },
    {
      name: "a password that is too short",
      form: { email: "short@groningen.test", password: "short-pw" },
      field: "password",
      message: "Het wachtwoord is te kort.",
    },
    {
      name: "an invalid e-mail address",
      form: { email: "not-an-address" },
      field: "email",
      message: "Vul een geldig e-mailadres in.",
    },
  ];

  for (const example of invalid) {
    it(`refuses ${example.name}: 400, the translated message at the field, nothing stored`, async () => {
      const admin = await as("admin");
      const before = await allUsers();
      const password = example.form.password ?? "Unechoed-Secret-9876";
      const response = await admin.post("/admin/users/new", newUserForm({ displayName: "Echo Me", ...example.form, password }));
      expect(response.status).toBe(400);
      const html = await response.text();
      expect(html).toContain(example.message);
      // The field is marked and points at its message.
      expect(html).toMatch(new RegExp(`name="${example.field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*name="${example.field}"`));
      expect(html).toContain(`aria-describedby="${example.field}-error`);
      expect(html).toContain(`id="${example.field}-error"`);
      // Entered values come back; the password never does.
      expect(html).toContain('value="Echo Me"');
      expect(html).not.toContain(password);
      expect(await allUsers()).toEqual(before);
    });
  }

  it("answers in English for an English-speaking admin", async () => {
    // The switch before logging in: a cookie only, the admin's profile stays Dutch.
    const admin = browser();
    expect((await admin.post("/language", { language: "en", redirectTo: "/login" })).status).toBe(302);
    expect((await admin.logIn(users.admin.email)).status).toBe(302);
    const response = await admin.post("/admin/users/new", newUserForm({ email: "other@groningen.test", municipalityCode: "" }));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("A municipal role belongs to exactly one municipality.");
  });
});

describe("every refused field at once, and the language", () => {
  it("shows every refused field in one answer, each message at its field, and stores nothing", async () => {
    const admin = await as("admin");
    const before = await allUsers();
    const response = await admin.post(
      "/admin/users/new",
      newUserForm({ email: "not-an-address", displayName: "   ", role: "rigg_analyst", municipalityCode: "GM0014", language: "de", password: "short-pw" }),
    );
    expect(response.status).toBe(400);
    const html = await response.text();
    for (const [field, message] of [
      ["email", "Vul een geldig e-mailadres in."],
      ["displayName", "Vul een naam in."],
      ["municipalityCode", "Deze rol hoort niet bij een gemeente."],
      ["language", "Kies Nederlands of Engels."],
      ["password", "Het wachtwoord is te kort."],
    ]) {
      expect(html, field).toContain(message);
      expect(html, field).toContain(`id="${field}-error"`);
      expect(html, field).toMatch(new RegExp(`name="${field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*name="${field}"`));
    }
    expect(await allUsers()).toEqual(before);
  });

  it("lets an admin set a new user's language, which the new user's pages then speak, and change it later", async () => {
    const admin = await as("admin");
    const form = await (await admin.get("/admin/users/new")).text();
    expect(form).toMatch(/<select[^>]*name="language"/);
    const created = await admin.post("/admin/users/new", newUserForm({ email: "english@groningen.test", language: "en" }));
    expect(created.status).toBe(302);
    const stored = await userByEmail("english@groningen.test");
    expect(stored?.language).toBe("en");
    const newcomer = browser();
    expect((await newcomer.logIn("english@groningen.test", "a-long-enough-password")).status).toBe(302);
    expect(await (await newcomer.get("/")).text()).toContain('lang="en"');
    // Back to "as the browser" on the edit form.
    const edited = await admin.post(`/admin/users/${stored!.id}`, {
      intent: "update",
      email: "english@groningen.test",
      displayName: "Nina Nieuw",
      role: "municipal_editor",
      municipalityCode: "GM0014",
      language: "",
    });
    expect(edited.status).toBe(302);
    expect((await userByEmail("english@groningen.test"))?.language).toBeNull();
  });
});

describe("editing a user", () => {
  it("shows the edit form with the stored values", async () => {
    const admin = await as("admin");
    const response = await admin.get(`/admin/users/${ids.target}`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('value="target@groningen.test"');
    expect(html).toContain('value="Tess Target"');
    expect(html).toContain('name="intent" value="update"');
    expect(html).toContain('name="intent" value="disable"');
    expect(html).toContain('name="intent" value="reset"');
  });

  it("answers 404 for an unknown id, a malformed id and an e-mail address", async () => {
    const admin = await as("admin");
    for (const id of ["00000000-0000-4000-8000-000000000000", "not-a-user", "------------------------------------", "viewer@groningen.test"]) {
      expect((await admin.get(`/admin/users/${encodeURIComponent(id)}`)).status).toBe(404);
      const post = await admin.post(`/admin/users/${encodeURIComponent(id)}`, { intent: "disable" });
      expect(post.status).toBe(404);
    }
  });

  it("saves name, role and municipality, and audits the change", async () => {
    const extra = await addUser(database.db, { email: "mover@groningen.test", role: "municipal_viewer", municipalityCode: "GM0014" });
    const admin = await as("admin");
    const response = await admin.post(`/admin/users/${extra.id}`, {
      intent: "update",
      email: "mover@groningen.test",
      displayName: "Mo Mover",
      role: "municipal_editor",
      municipalityCode: "GM1966",
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/admin/users/${extra.id}?done=saved`);
    expect(await (await admin.get(`/admin/users/${extra.id}?done=saved`)).text()).toContain("Opgeslagen.");
    // Only known notices: no prototype keys.
    expect((await admin.get(`/admin/users/${extra.id}?done=constructor`)).status).toBe(200);
    expect(await userByEmail("mover@groningen.test")).toMatchObject({
      display_name: "Mo Mover",
      role: "municipal_editor",
      municipality_code: "GM1966",
    });
    expect((await auditRows("user.update")).some((e) => e.subject === "mover@groningen.test" && e.actor_label === users.admin.email)).toBe(true);
  });

  it("refuses an invalid edit with the translated message and keeps the record", async () => {
    const admin = await as("admin");
    const before = await allUsers();
    const response = await admin.post(`/admin/users/${ids.target}`, {
      intent: "update",
      email: "analyst@rigg.test",
      displayName: "Tess Target",
      role: "municipal_viewer",
      municipalityCode: "GM0014",
    });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("Er bestaat al een account met dit e-mailadres.");
    expect(html).toMatch(/aria-invalid="true"/);
    expect(html).toContain('aria-describedby="update-email-error"');
    expect(await allUsers()).toEqual(before);
  });
});

describe("disabling and enabling", () => {
  it("ends the disabled user's existing session at once, and lets them back in once enabled", async () => {
    const extra = await addUser(database.db, { email: "leaver@groningen.test", role: "municipal_viewer", municipalityCode: "GM0014" });
    const leaver = browser();
    expect((await leaver.logIn("leaver@groningen.test")).status).toBe(302);
    expect((await leaver.get("/")).status).toBe(200);

    const admin = await as("admin");
    const response = await admin.post(`/admin/users/${extra.id}`, { intent: "disable" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/admin/users/${extra.id}?done=disabled`);
    const page = await (await admin.get(`/admin/users/${extra.id}?done=disabled`)).text();
    expect(page).toContain("Account geblokkeerd; bestaande sessies zijn beëindigd.");
    expect(page).toContain('name="intent" value="enable"');
    expect((await userByEmail("leaver@groningen.test"))!.disabled_at).not.toBeNull();
    expect(await (await admin.get("/admin/users")).text()).toContain("Geblokkeerd");

    const next = await leaver.get("/");
    expect(next.status).toBe(302);
    expect(next.headers.get("location")).toMatch(/^\/login/);
    expect((await browser().logIn("leaver@groningen.test")).status).toBe(401);
    expect((await auditRows("user.disable")).some((e) => e.subject === "leaver@groningen.test")).toBe(true);

    const enable = await admin.post(`/admin/users/${extra.id}`, { intent: "enable" });
    expect(enable.status).toBe(302);
    expect((await userByEmail("leaver@groningen.test"))!.disabled_at).toBeNull();
    expect((await browser().logIn("leaver@groningen.test")).status).toBe(302);
  });

  it("does not let admins disable themselves", async () => {
    const admin = await as("admin");
    const response = await admin.post(`/admin/users/${ids.admin}`, { intent: "disable" });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Je kunt je eigen account niet blokkeren.");
    expect((await userByEmail(users.admin.email))!.disabled_at).toBeNull();
    expect((await admin.get("/admin/users")).status).toBe(200);
  });
});

describe("resetting a password", () => {
  it("replaces the password: the old one fails, the new one works, old sessions end", async () => {
    const extra = await addUser(database.db, { email: "forgetful@rigg.test", role: "rigg_analyst" });
    const forgetful = browser();
    expect((await forgetful.logIn("forgetful@rigg.test")).status).toBe(302);

    const admin = await as("admin");
    const response = await admin.post(`/admin/users/${extra.id}`, { intent: "reset", password: "brand-new-password-42" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/admin/users/${extra.id}?done=passwordReset`);
    const page = await (await admin.get(`/admin/users/${extra.id}?done=passwordReset`)).text();
    expect(page).toContain("Wachtwoord opnieuw ingesteld");
    expect(page).not.toContain("brand-new-password-42");

    expect((await forgetful.get("/")).status).toBe(302);
    expect((await browser().logIn("forgetful@rigg.test", TEST_PASSWORD)).status).toBe(401);
    expect((await browser().logIn("forgetful@rigg.test", "brand-new-password-42")).status).toBe(302);
    const audit = await auditRows("user.reset_password");
    expect(audit.some((e) => e.subject === "forgetful@rigg.test")).toBe(true);
    expect(JSON.stringify(audit)).not.toContain("brand-new-password-42");
  });

  it("refuses a short password and keeps the old one", async () => {
    const admin = await as("admin");
    const before = (await userByEmail(users.target.email))!.password_hash;
    const response = await admin.post(`/admin/users/${ids.target}`, { intent: "reset", password: "tiny" });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("Het wachtwoord is te kort.");
    expect(html).toContain('aria-describedby="reset-password-error');
    expect((await userByEmail(users.target.email))!.password_hash).toBe(before);
  });
});

describe("other roles", () => {
  for (const who of ["viewer", "editor", "analyst", "steering"] as const) {
    it(`give a ${users[who].role} 403 on every admin page and change nothing`, async () => {
      const client = await as(who);
      const before = await allUsers();
      for (const path of ["/admin/users", "/admin/users/new", `/admin/users/${ids.target}`, `/admin/users/${ids[who]}`]) {
        expect((await client.get(path)).status, `GET ${path}`).toBe(403);
      }
      const posts: [string, Record<string, string>][] = [
        ["/admin/users?index", {}],
        ["/admin/users/new", newUserForm({ email: `sneaky-${who}@groningen.test`, role: "admin", municipalityCode: "" })],
        [`/admin/users/${ids.target}`, { intent: "disable" }],
        [`/admin/users/${ids.target}`, { intent: "reset", password: "taken-over-password" }],
        [`/admin/users/${ids.target}`, { intent: "update", email: "target@groningen.test", displayName: "Hacked", role: "admin", municipalityCode: "" }],
        // Promoting oneself is no different.
        [`/admin/users/${ids[who]}`, { intent: "update", email: users[who].email, displayName: "Me", role: "admin", municipalityCode: "" }],
      ];
      for (const [path, fields] of posts) {
        expect((await client.post(path, fields)).status, `POST ${path}`).toBe(403);
      }
      expect(await allUsers()).toEqual(before);
      // Still logged in as before: nothing was revoked either.
      expect((await client.get("/")).status).toBe(200);
    });
  }
});
