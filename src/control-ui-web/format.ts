export function duration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const hh = Math.floor((s % 86400) / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  if (d > 0) return `${d}d ${hh}h ${mm}m`;
  if (hh > 0) return `${hh}h ${mm}m`;
  if (mm > 0) return `${mm}m ${ss}s`;
  return `${ss}s`;
}

export function time(ms: number | undefined): string {
  return ms ? new Date(ms).toLocaleString() : '—';
}

export function ago(ms: number | undefined): string {
  return ms ? `${duration(Date.now() - ms)} ago` : '—';
}

export function shortId(id: string | undefined): string {
  return id ? (id.length > 16 ? `${id.slice(0, 12)}…` : id) : '—';
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
