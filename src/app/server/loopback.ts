/** Whether a host name or address reaches this machine only: `localhost`, `127.0.0.0/8` or `::1` (brackets allowed). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** The host part of a `Host` header value (`127.0.0.1:8787`, `[::1]:8787`, `localhost`). */
export function hostOfHeader(value: string): string {
  const v = value.trim();
  if (v.startsWith('[')) return v.slice(0, v.indexOf(']') + 1);
  const colon = v.lastIndexOf(':');
  return colon < 0 ? v : v.slice(0, colon);
}
