import { createHmac } from "node:crypto";

/**
 * A BSN becomes a keyed pseudonym before anything is stored or logged: the same
 * BSN always gives the same client key (one child across files and
 * municipalities), and without the key it cannot be traced back.
 */
export function bsnPseudonymiser(key: string): (bsn: string) => string {
  return (bsn) => `B${createHmac("sha256", key).update(bsn).digest("base64url")}`;
}
