/** Only same-site paths are followed after a form post (no open redirects). */
export function safeRedirectPath(value: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) {
    return fallback;
  }
  return value;
}

export function notFound(): Response {
  return new Response("Not Found", { status: 404 });
}
