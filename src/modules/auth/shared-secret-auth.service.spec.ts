import { ErrorCode } from '../../common/protocol';
import { toErrorShape } from '../gateway/rpc/wire-errors';
import { GatewayAuthSettings } from './gateway-auth-settings';
import { SecretCheck, SharedSecretAuthService } from './shared-secret-auth.service';

const SECRET = 'S3cret-gateway-value';

function failure(result: SecretCheck): { presented: boolean; message: string } {
  if (result.ok) throw new Error('expected the secret check to fail');
  expect(toErrorShape(result.error).shape.code).toBe(ErrorCode.InvalidRequest);
  return { presented: result.presented, message: result.error.message };
}

describe(SharedSecretAuthService.name, () => {
  describe('check', () => {
    describe('token mode', () => {
      const service = new SharedSecretAuthService(new GatewayAuthSettings('token', SECRET, []));

      it('accepts the gateway token', () => {
        expect(service.check({ token: SECRET })).toEqual({ ok: true });
      });

      it('accepts the gateway token even when a password is sent too', () => {
        expect(service.check({ token: SECRET, password: 'whatever' })).toEqual({ ok: true });
      });

      it.each<[string, { token?: string; password?: string } | undefined]>([
        ['no auth block', undefined],
        ['an empty auth block', {}],
        ['an empty token', { token: '' }],
      ])('reports a missing token, not presented, for %s', (_name, auth) => {
        // Act
        const { presented, message } = failure(service.check(auth));

        // Assert
        expect(presented).toBe(false);
        expect(message).toMatch(/^unauthorized: gateway token missing \(/);
      });

      it('reports a missing token that was presented when only a password came', () => {
        // Act
        const { presented, message } = failure(service.check({ password: SECRET }));

        // Assert
        expect(presented).toBe(true);
        expect(message).toMatch(/^unauthorized: gateway token missing/);
      });

      it.each([
        ['a case change', SECRET.toLowerCase()],
        ['a trailing space', `${SECRET} `],
        ['a prefix', SECRET.slice(0, -1)],
        ['an extension', `${SECRET}-and-more`],
      ])('reports a mismatch for %s', (_name, token) => {
        // Act
        const { presented, message } = failure(service.check({ token }));

        // Assert
        expect(presented).toBe(true);
        expect(message).toBe('unauthorized: gateway token mismatch (set gateway.remote.token to match gateway.auth.token)');
      });

      it('does not echo the presented or expected token', () => {
        // Act
        const { message } = failure(service.check({ token: 'presented-value-xyz' }));

        // Assert
        expect(message).not.toContain('presented-value-xyz');
        expect(message).not.toContain(SECRET);
      });
    });

    describe('password mode', () => {
      const service = new SharedSecretAuthService(new GatewayAuthSettings('password', 'pa55word', []));

      it('accepts the gateway password', () => {
        expect(service.check({ password: 'pa55word' })).toEqual({ ok: true });
      });

      it('refuses the password sent as a token, as a presented but missing password', () => {
        // Act
        const { presented, message } = failure(service.check({ token: 'pa55word' }));

        // Assert
        expect(presented).toBe(true);
        expect(message).toMatch(/^unauthorized: gateway password missing \(/);
      });

      it('reports a missing password, not presented, without an auth block', () => {
        // Act
        const { presented, message } = failure(service.check(undefined));

        // Assert
        expect(presented).toBe(false);
        expect(message).toMatch(/^unauthorized: gateway password missing/);
      });

      it('reports a password mismatch', () => {
        // Act
        const { presented, message } = failure(service.check({ password: 'password' }));

        // Assert
        expect(presented).toBe(true);
        expect(message).toBe(
          'unauthorized: gateway password mismatch (set gateway.remote.password to match gateway.auth.password)',
        );
      });
    });
  });
});
