import { InvokeErrors } from '../invoke-errors';
import type { NodeCommand } from '../invoke-types';
import { onlyKeys, optionalString, paramsObject } from '../params';

export const SYSTEM_NOTIFY = 'system.notify';
const MAX_TEXT = 4_096;

export interface Notification {
  title: string;
  body: string;
}

/**
 * `system.notify {title, body}`: a headless host has no screen, so the
 * notification goes to its log (the `deliver` callback) and says so.
 */
export function systemNotifyCommand(deliver: (notification: Notification) => void): NodeCommand {
  return {
    name: SYSTEM_NOTIFY,
    async run(value: unknown): Promise<{ delivered: true; via: 'log' }> {
      const params = paramsObject(value);
      onlyKeys(params, ['title', 'body']);
      const title = optionalString(params, 'title', { maxLength: MAX_TEXT }) ?? '';
      const body = optionalString(params, 'body', { maxLength: MAX_TEXT }) ?? '';
      if (title === '' && body === '') throw InvokeErrors.invalidParams('title or body must be a non-empty string');
      deliver({ title, body });
      return { delivered: true, via: 'log' };
    },
  };
}
