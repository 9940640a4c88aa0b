import pino from "pino";

/** JSON logs on stderr. Paths that could carry secrets are redacted by name. */
export function createLogger(level: string, destination: number = 2) {
  return pino(
    {
      level,
      base: { service: "jeugdregio-insight" },
      redact: {
        paths: ["password", "*.password", "token", "*.token", "cookie", "*.cookie", "bsn", "*.bsn", "client_bsn", "*.client_bsn"],
        censor: "[redacted]",
      },
    },
    pino.destination({ fd: destination, sync: true }),
  );
}

export type Logger = ReturnType<typeof createLogger>;
