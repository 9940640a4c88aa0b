/**
 * Who does something, as the audit log and the batches record it: a signed-in user (from the
 * access guard, `access.actor`) or an operator's CLI run (`userId` null, a label such as
 * `cli:root`). `ip` where the request came over HTTP.
 */
export interface Actor {
  userId: string | null;
  label: string;
  ip?: string | null;
}
