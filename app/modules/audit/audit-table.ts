/** The audit log table's URL prefix and page sizes: shared by the loader and the page (a `.server` module's values do not reach the browser). */
export const AUDIT_TABLE = "audit";
export const AUDIT_PAGE_SIZES = [50, 100, 200] as const;
