import { BrowserError } from '../../common/browser';
import { invalidRequest, RpcError, unavailable } from '../gateway/rpc/rpc-error';

export const BrowserModuleErrors = {
  disabled: () =>
    invalidRequest('the browser tool is disabled: set tools.browser.enabled to true in the gateway config and restart it', {
      details: { reason: 'disabled' },
    }),
  /** A BrowserError's message is written to be shown; its code travels in details. */
  fromBrowser: (error: BrowserError): RpcError =>
    error.code === 'INVALID_REQUEST' || error.code === 'NOT_FOUND' || error.code === 'REFUSED'
      ? invalidRequest(error.message, { details: { browserError: error.code } })
      : unavailable(error.message, { details: { browserError: error.code }, retryable: error.code === 'TIMEOUT' }),
};
