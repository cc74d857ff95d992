export const ROLES = ['operator', 'node'] as const;
export type Role = (typeof ROLES)[number];

export const OPERATOR_SCOPES = [
  'operator.read',
  'operator.write',
  'operator.pairing',
  'operator.approvals',
  'operator.admin',
] as const;
export type OperatorScope = (typeof OPERATOR_SCOPES)[number];

/** Scopes an operator gets when it asks for none. */
export const DEFAULT_OPERATOR_SCOPES: readonly OperatorScope[] = ['operator.admin'];
