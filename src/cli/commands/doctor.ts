import { runDoctor, renderDoctor } from '../doctor/run-doctor';
import { UsageError } from '../exit-codes';
import { parseTimeout } from '../gateway-session';
import { printJson, printLines } from '../output';
import { reportFailure } from '../run-gateway-command';
import type { TargetOptions } from './target-options';

export interface DoctorCliOptions extends TargetOptions {
  origin?: string;
  scopes?: string;
}

export async function doctor(options: DoctorCliOptions): Promise<void> {
  try {
    const report = await runDoctor({
      url: options.url,
      token: options.token,
      password: options.password,
      tlsFingerprint: options.tlsFingerprint,
      timeoutMs: parseTimeout(options.timeout),
      origin: parseOrigin(options.origin),
      scopes: options.scopes
        ?.split(',')
        .map((scope) => scope.trim())
        .filter(Boolean),
    });
    if (options.json) printJson(report);
    else printLines(renderDoctor(report));
    process.exitCode = report.exitCode;
  } catch (error) {
    reportFailure(error, undefined, options.json);
  }
}

function parseOrigin(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new UsageError(`--origin must be an origin such as https://host.example (got ${JSON.stringify(value)})`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`--origin must start with http:// or https:// (got ${JSON.stringify(value)})`);
  }
  return parsed.origin;
}
