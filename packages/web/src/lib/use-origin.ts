/** The server origin for copyable commands (the page is served by the API in production). */
export function apiOrigin(): string {
  return window.location.origin;
}
