import { createContext, useContext } from "react";

/**
 * The Content-Security-Policy nonce of the page being rendered (entry.server.tsx provides it).
 * In the browser it is empty: the scripts it marks have run by then.
 */
export const NonceContext = createContext<string | undefined>(undefined);

export function useNonce(): string | undefined {
  return useContext(NonceContext);
}
