import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import path from "node:path";
import { z } from "zod";
import type { DatabaseTarget } from "~db/connect";

/** Every setting the server and the CLI read, validated once at start. */
const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().min(1).default("./.data"),
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  PSEUDONYM_KEY: z.string().min(32, "must be at least 32 characters").optional(),
  IMPORT_MAX_MB: z.coerce.number().min(1).max(10_000).default(200),
  IMPORT_MAX_LINE_KB: z.coerce.number().int().min(1).max(100_000).default(64),
  SESSION_TTL_HOURS: z.coerce.number().min(0.1).max(24 * 30).default(8),
  REQUEST_TIMEOUT_SECONDS: z.coerce.number().min(0.001).max(3600).default(30),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DEMO: z.enum(["0", "1"]).optional(),
  DEMO_DECLARATIONS: z.enum(["0", "1"]).default("1"),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
  LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(20),
  LOGIN_FAILURE_WINDOW_MINUTES: z.coerce.number().int().min(1).default(15),
  TRUST_PROXY: z
    .string()
    .default("loopback")
    .transform((value, ctx) => {
      const parsed = parseTrustProxy(value);
      if (parsed === null) {
        ctx.addIssue({ code: "custom", message: "must be false, a hop count, or a comma-separated list of loopback, linklocal, uniquelocal, IP addresses and CIDR ranges" });
        return z.NEVER;
      }
      return parsed;
    }),
  APP_ORIGIN: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (!value) return null;
      const origin = originOnly(value);
      if (!origin) {
        ctx.addIssue({ code: "custom", message: "must be an origin such as https://insight.example.nl (scheme, host, optional port; no path)" });
        return z.NEVER;
      }
      return origin;
    }),
});

/** Express's `trust proxy`: false, a hop count, or named ranges, addresses and CIDR ranges. */
export type TrustProxy = false | number | string[];

function parseTrustProxy(value: string): TrustProxy | null {
  const text = value.trim().toLowerCase();
  if (text === "false" || text === "0") return false;
  if (/^[1-9][0-9]?$/.test(text)) return Number(text);
  // `true` (trust every hop) is refused: any client could then choose its own address.
  const parts = text.split(",").map((part) => part.trim());
  const valid = parts.every((part) => {
    if (["loopback", "linklocal", "uniquelocal"].includes(part)) return true;
    const [address, bits, ...rest] = part.split("/");
    const version = isIP(address ?? "");
    if (!version || rest.length) return false;
    return bits === undefined || (/^[0-9]{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
  });
  return valid && parts.length ? parts : null;
}

function originOnly(value: string): string | null {
  try {
    const url = new URL(value);
    if (!["http:", "https:"].includes(url.protocol) || url.username || url.password) return null;
    if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash) return null;
    return url.origin;
  } catch {
    return null;
  }
}

export interface AppConfig {
  env: "development" | "production" | "test";
  port: number;
  host: string;
  database: DatabaseTarget;
  dataDir: string;
  sessionSecret: string;
  sessionTtlHours: number;
  /** HMAC key that turns a BSN into a client pseudonym; never stored with the data. */
  pseudonymKey: string;
  importMaxBytes: number;
  /** A CSV line longer than this (in characters) is refused at once: a file without line breaks, or not CSV. */
  importMaxLineLength: number;
  /** A read request's database statements are cancelled after this long (503, "try a narrower selection"). */
  requestTimeoutSeconds: number;
  secureCookies: boolean;
  logLevel: z.infer<typeof EnvSchema>["LOG_LEVEL"];
  /** Demo accounts are created and listed on the login page. */
  demo: boolean;
  /** With the demo: also load the generated demo declarations into an empty database. */
  demoDeclarations: boolean;
  loginLimits: { perAccount: number; perIp: number; windowMinutes: number };
  /** Which proxies' X-Forwarded-For/-Proto/-Host are believed (the client address, HTTPS). */
  trustProxy: TrustProxy;
  /** The app's public origin for the cross-site check; null: from the request's Host and scheme. */
  appOrigin: string | null;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const embedded = !e.DATABASE_URL;
  const production = e.NODE_ENV === "production";
  const missing = [
    production && !e.SESSION_SECRET ? "  SESSION_SECRET: required in production (at least 32 characters)" : null,
    production && !e.PSEUDONYM_KEY ? "  PSEUDONYM_KEY: required in production (at least 32 characters)" : null,
  ].filter(Boolean);
  if (missing.length) throw new ConfigError(`Invalid configuration:\n${missing.join("\n")}`);
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    database: embedded
      ? { kind: "embedded", dataDir: path.join(dataDir, "pgdata"), label: e.DATA_DIR }
      : { kind: "postgres", url: e.DATABASE_URL!, poolSize: e.DATABASE_POOL_SIZE },
    dataDir,
    sessionSecret: e.SESSION_SECRET ?? generatedSecret(dataDir, "session-secret"),
    pseudonymKey: e.PSEUDONYM_KEY ?? generatedSecret(dataDir, "pseudonym-key"),
    importMaxBytes: Math.round(e.IMPORT_MAX_MB * 1024 * 1024),
    importMaxLineLength: e.IMPORT_MAX_LINE_KB * 1024,
    sessionTtlHours: e.SESSION_TTL_HOURS,
    requestTimeoutSeconds: e.REQUEST_TIMEOUT_SECONDS,
    secureCookies: production,
    logLevel: e.LOG_LEVEL,
    // The embedded database is the demo; on a real server demo data only on request.
    demo: e.DEMO ? e.DEMO === "1" : embedded,
    demoDeclarations: e.DEMO_DECLARATIONS === "1",
    loginLimits: {
      perAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      perIp: e.LOGIN_MAX_FAILURES_PER_IP,
      windowMinutes: e.LOGIN_FAILURE_WINDOW_MINUTES,
    },
    trustProxy: e.TRUST_PROXY,
    appOrigin: e.APP_ORIGIN,
  };
}

/** Outside production a secret is generated once and kept in the data folder. */
function generatedSecret(dataDir: string, name: string): string {
  const file = path.join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
