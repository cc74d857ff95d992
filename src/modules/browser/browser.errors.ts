import { BrowserError } from '../../common/browser';
import { invalidRequest, RpcError, unavailable } from '../gateway/rpc/rpc-error';

export const BrowserModuleErrors = {
  disabled: () =>
    invalidRequest('the browser tool is disabled: set tools.browser.enabled to true in the gateway config and restart it', {
      details: { reason: 'disabled' },
    }),
  screenshotTooLarge: (bytes: number, max: number) =>
    invalidRequest(
      `the screenshot is ${bytes} bytes, more than the ${max} a picture may have: take it without fullPage, or of a smaller page`,
      { details: { browserError: 'INVALID_REQUEST' } },
    ),
  notPng: () =>
    unavailable('the browser did not return a PNG image; try the screenshot again', {
      details: { browserError: 'UNAVAILABLE' },
    }),
  mediaNotFound: (mediaId: string) =>
    invalidRequest(`no picture ${mediaId} at that offset: screenshots are kept 24 hours (at most 200), so take a new one`, {
      details: { reason: 'media-not-found' },
    }),
  /** A BrowserError's message is written to be shown; its code travels in details. */
  fromBrowser: (error: BrowserError): RpcError =>
    error.code === 'INVALID_REQUEST' || error.code === 'NOT_FOUND' || error.code === 'REFUSED'
      ? invalidRequest(error.message, { details: { browserError: error.code } })
      : unavailable(error.message, { details: { browserError: error.code }, retryable: error.code === 'TIMEOUT' }),
};
