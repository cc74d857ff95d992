import type { OperatorScope } from '../../../common/protocol';
import { accessDenial, CallerAccess, MethodAccess } from './access';

const op = (scope: OperatorScope): MethodAccess => ({ role: 'operator', scope });
const NODE_METHOD: MethodAccess = { role: 'node', scope: null };
const operator = (...scopes: string[]): CallerAccess => ({ role: 'operator', scopes });
const node = (...scopes: string[]): CallerAccess => ({ role: 'node', scopes });

const READ = op('operator.read');
const WRITE = op('operator.write');
const PAIRING = op('operator.pairing');
const APPROVALS = op('operator.approvals');
const ADMIN = op('operator.admin');

describe(accessDenial.name, () => {
  it.each<[string, MethodAccess, CallerAccess, string | undefined]>([
    // Role mismatch, both ways; scopes never override the role.
    ['node calls an operator read method', READ, node(), 'unauthorized role: node'],
    ['node with admin scope calls an operator method', WRITE, node('operator.admin'), 'unauthorized role: node'],
    ['operator calls a node method', NODE_METHOD, operator('operator.admin'), 'unauthorized role: operator'],
    ['operator without scopes calls a node method', NODE_METHOD, operator(), 'unauthorized role: operator'],

    // Node methods have no scope.
    ['node calls a node method without scopes', NODE_METHOD, node(), undefined],
    ['node calls a node method with stray scopes', NODE_METHOD, node('operator.read'), undefined],

    // Admin passes every operator method.
    ['admin calls read', READ, operator('operator.admin'), undefined],
    ['admin calls write', WRITE, operator('operator.admin'), undefined],
    ['admin calls pairing', PAIRING, operator('operator.admin'), undefined],
    ['admin calls approvals', APPROVALS, operator('operator.admin'), undefined],
    ['admin calls an admin-only method', ADMIN, operator('operator.admin'), undefined],

    // Exact scope.
    ['read calls read', READ, operator('operator.read'), undefined],
    ['write calls write', WRITE, operator('operator.write'), undefined],
    ['pairing calls pairing', PAIRING, operator('operator.pairing'), undefined],
    ['approvals calls approvals', APPROVALS, operator('operator.approvals'), undefined],

    // Write implies read, not the other way round.
    ['write calls read', READ, operator('operator.write'), undefined],
    ['read calls write', WRITE, operator('operator.read'), 'missing scope: operator.write'],

    // Nothing else implies anything.
    ['no scopes calls read', READ, operator(), 'missing scope: operator.read'],
    ['write calls pairing', PAIRING, operator('operator.write'), 'missing scope: operator.pairing'],
    ['read+write calls approvals', APPROVALS, operator('operator.read', 'operator.write'), 'missing scope: operator.approvals'],
    ['pairing calls read', READ, operator('operator.pairing'), 'missing scope: operator.read'],
    ['pairing calls approvals', APPROVALS, operator('operator.pairing'), 'missing scope: operator.approvals'],
    ['approvals calls pairing', PAIRING, operator('operator.approvals'), 'missing scope: operator.pairing'],
    ['approvals calls write', WRITE, operator('operator.approvals'), 'missing scope: operator.write'],
    [
      'every non-admin scope calls an admin-only method',
      ADMIN,
      operator('operator.read', 'operator.write', 'operator.pairing', 'operator.approvals'),
      'missing scope: operator.admin',
    ],

    // Scope strings must match exactly.
    ['an unknown scope calls read', READ, operator('operator.*'), 'missing scope: operator.read'],
    ['a differently-cased admin scope calls read', READ, operator('Operator.Admin'), 'missing scope: operator.read'],

    // Several scopes: any match is enough.
    ['pairing+write calls pairing', PAIRING, operator('operator.write', 'operator.pairing'), undefined],
    ['approvals+write calls read', READ, operator('operator.approvals', 'operator.write'), undefined],
  ])('%s → %p', (_name, method, caller, expected) => {
    expect(accessDenial(method, caller)).toBe(expected);
  });
});
