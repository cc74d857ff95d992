import { createHash } from 'node:crypto';
import { defineOwn } from './config-secrets';

type Json = unknown;

/** The hash clients send back as baseHash: SHA-256 of the file's bytes ("" when there is no file). */
export function hashConfigText(text: string | undefined): string {
  return createHash('sha256')
    .update(text ?? '')
    .digest('hex');
}

/**
 * RFC 7396 JSON merge patch: objects merge key by key, `null` removes a key,
 * anything else (arrays included) replaces. Returns a new value.
 */
export function applyMergePatch(target: Json, patch: Json): Json {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const base = typeof target === 'object' && target !== null && !Array.isArray(target) ? (target as Record<string, Json>) : {};
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(base)) defineOwn(out, key, value);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete out[key];
      continue;
    }
    defineOwn(out, key, applyMergePatch(Object.prototype.hasOwnProperty.call(base, key) ? base[key] : undefined, value));
  }
  return out;
}

/** Dotted paths of the leaves that differ; an array counts as one leaf. */
export function changedConfigPaths(before: Json, after: Json, path = ''): string[] {
  const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
  // A section that appears or disappears: its leaves are what changed.
  if (before === undefined && isObject(after)) before = {};
  if (after === undefined && isObject(before)) after = {};
  if (!isObject(before) || !isObject(after)) {
    return JSON.stringify(before) === JSON.stringify(after) ? [] : [path];
  }
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.flatMap((key) => changedConfigPaths(before[key], after[key], path ? `${path}.${key}` : key));
}
