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
  /** A BrowserError's message is written to be shown; its code travels in details. */
  fromBrowser: (error: BrowserError) =>
    new BrowserModuleError(error.code, error.message, { details: { browserError: error.code } }),
};
