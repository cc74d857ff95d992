import type { InvokeResultParams } from './invoke-types';
import { fitResult } from './result-size';

const output = (stdout: string, stderr = ''): InvokeResultParams => ({
  id: 'i',
  nodeId: 'n',
  ok: true,
  payload: { exitCode: 0, stdout, stderr, timedOut: false, truncated: { stdout: false, stderr: false } },
});
const size = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

describe(fitResult.name, () => {
  it('leaves a result that fits alone', () => {
    const result = output('hello');
    expect(fitResult(result, 4_096)).toBe(result);
    expect(fitResult(result, undefined)).toBe(result);
  });

  it('trims the larger stream of a result that does not fit and flags it', () => {
    // Arrange: control characters cost 6 bytes each in JSON.
    const result = output('\u0001'.repeat(3_000), 'small error');
    // Act
    const fitted = fitResult(result, 8_192) as InvokeResultParams & { ok: true; payload: any };
    // Assert
    expect(size(fitted)).toBeLessThanOrEqual(8_192 - 1_024);
    expect(fitted.payload.stderr).toBe('small error');
    expect(fitted.payload.stdout).toContain('[output truncated to fit the gateway frame limit]');
    expect(fitted.payload.truncated).toEqual({ stdout: true, stderr: false });
    expect(fitted.payload.exitCode).toBe(0);
  });

  it('trims both streams when one is not enough', () => {
    const fitted = fitResult(output('a'.repeat(5_000), 'b'.repeat(5_000)), 4_096) as InvokeResultParams & {
      ok: true;
      payload: any;
    };
    expect(size(fitted)).toBeLessThanOrEqual(4_096 - 1_024);
    expect(fitted.payload.truncated).toEqual({ stdout: true, stderr: true });
  });

  it('turns any other oversized result into an error that says why', () => {
    const fitted = fitResult({ id: 'i', nodeId: 'n', ok: true, payload: { blob: 'x'.repeat(10_000) } }, 4_096);
    expect(fitted).toEqual({
      id: 'i',
      nodeId: 'n',
      ok: false,
      error: { code: 'RESULT_TOO_LARGE', message: 'the result is larger than the gateway accepts (4096 bytes per frame)' },
    });
  });
});
