import { BrowserError, BrowserErrorCode } from '../../common/browser';
import { DomainError } from '../../common/domain-error';

/** The browser controller's own codes (shared with the node host), plus the gateway's switch being off. */
export const BrowserModuleErrorCode = {
  Disabled: 'DISABLED',
  InvalidRequest: 'INVALID_REQUEST',
  Refused: 'REFUSED',
  Timeout: 'TIMEOUT',
  NotFound: 'NOT_FOUND',
  Unavailable: 'UNAVAILABLE',
} as const satisfies Record<string, BrowserErrorCode | 'DISABLED'>;
export type BrowserModuleErrorCode = (typeof BrowserModuleErrorCode)[keyof typeof BrowserModuleErrorCode];

export class BrowserModuleError extends DomainError<BrowserModuleErrorCode> {}

export const BrowserModuleErrors = {
  disabled: () =>
    new BrowserModuleError(
      BrowserModuleErrorCode.Disabled,
      'the browser tool is disabled: set tools.browser.enabled to true in the gateway config and restart it',
      { details: { reason: 'disabled' } },
    ),
  screenshotTooLarge: (bytes: number, max: number) =>
    new BrowserModuleError(
      BrowserModuleErrorCode.InvalidRequest,
      `the screenshot is ${bytes} bytes, more than the ${max} a picture may have: take it without fullPage, or of a smaller page`,
      { details: { browserError: 'INVALID_REQUEST' } },
    ),
  notPng: () =>
    new BrowserModuleError(
      BrowserModuleErrorCode.Unavailable,
      'the browser did not return a PNG image; try the screenshot again',
      {
        details: { browserError: 'UNAVAILABLE' },
      },
    ),
  mediaNotFound: (mediaId: string) =>
    new BrowserModuleError(
      BrowserModuleErrorCode.NotFound,
      `no picture ${mediaId} at that offset: screenshots are kept 24 hours (at most 200), so take a new one`,
      { details: { reason: 'media-not-found' } },
    ),
  /** A BrowserError's message is written to be shown; its code travels in details. */
  fromBrowser: (error: BrowserError) =>
    new BrowserModuleError(error.code, error.message, { details: { browserError: error.code } }),
};
