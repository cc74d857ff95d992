import {
  Allow,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from '../../../common/validation/class-validator';

export const BROWSER_REQUEST_MAX_TIMEOUT_MS = 120_000;

/** `browser.request`, in the reference gateway's shape: an HTTP-like call on its browser routes. */
export class BrowserRequestParams {
  @IsIn(['GET', 'POST', 'DELETE', 'get', 'post', 'delete']) method: string;
  @IsString()
  @MaxLength(256)
  @Matches(/^\/[\w\-/]*$/, { message: '$property must be a route path such as /snapshot' })
  path: string;
  @IsOptional() @IsObject() query?: Record<string, unknown>;
  /** Checked field by field by the route it reaches (docs/browser.md). */
  @Allow() body?: unknown;
  @IsOptional() @IsInt() @Min(1_000) @Max(BROWSER_REQUEST_MAX_TIMEOUT_MS) timeoutMs?: number;
}
