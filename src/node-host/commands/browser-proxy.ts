import { BrowserController, BrowserError, handleBrowserRoute } from '../../common/browser';
import { InvokeError, InvokeErrorCode, InvokeErrors } from '../invoke-errors';
import type { NodeCommand } from '../invoke-types';
import { onlyKeys, optionalString, paramsObject } from '../params';

export const BROWSER_PROXY = 'browser.proxy';

/**
 * `browser.proxy {method, path, query?, body?, owner?}`: the gateway's
 * browser routes served by this node's own browser (`node run --browser`),
 * with this node's URL policy. The gateway is trusted no more than any peer:
 * the routes validate every field themselves.
 */
export function browserProxyCommand(controller: BrowserController): NodeCommand {
  return {
    name: BROWSER_PROXY,
    async run(value: unknown): Promise<unknown> {
      const params = paramsObject(value);
      onlyKeys(params, ['method', 'path', 'query', 'body', 'owner']);
      const method = optionalString(params, 'method', { maxLength: 8 }) ?? 'GET';
      const path = optionalString(params, 'path', { maxLength: 256 }) ?? '/';
      const owner = optionalString(params, 'owner', { maxLength: 512 }) ?? 'operator';
      try {
        return await handleBrowserRoute(controller, { method, path, query: params.query as never, body: params.body }, owner);
      } catch (error) {
        if (!(error instanceof BrowserError)) throw error;
        if (error.code === 'INVALID_REQUEST' || error.code === 'NOT_FOUND') throw InvokeErrors.invalidParams(error.message);
        throw new InvokeError(InvokeErrorCode.Internal, error.message);
      }
    },
  };
}
