import type { OperatorScope, Role } from '../../../common/protocol';

export interface MethodAccess {
  role: Role;
  scope: OperatorScope | null;
}

export interface CallerAccess {
  role: Role;
  scopes: readonly string[];
}

/** Returns why the caller may not call the method, or undefined when it may. */
export function accessDenial(method: MethodAccess, caller: CallerAccess): string | undefined {
  if (method.role !== caller.role) return `unauthorized role: ${caller.role}`;
  if (method.scope === null) return undefined;
  if (caller.scopes.includes('operator.admin') || caller.scopes.includes(method.scope)) return undefined;
  // Write access implies read access (PROTOCOL.md, "Roles and scopes").
  if (method.scope === 'operator.read' && caller.scopes.includes('operator.write')) return undefined;
  return `missing scope: ${method.scope}`;
}
