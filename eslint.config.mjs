// Lint rules that encode the architecture (docs/architecture.md) and the promise discipline the gateway needs:
// a peer must never be able to reach an unhandled rejection.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The files of each module that other modules may import. Everything else in a module is its own business;
 * the DI module file, the public service(s), types and errors are the surface.
 */
const PUBLIC_FILES = {
  agent: ['agent.module', 'agent.runtime', 'agent.types', 'agent.errors', 'agent-deliveries'],
  approvals: ['approvals.module', 'exec-approvals.service', 'approvals.types', 'approvals.errors'],
  auth: [
    'auth.module',
    'auth.errors',
    'auth-rate-limiter',
    'device-verifier.service',
    'shared-secret-auth.service',
    'tailscale-identity',
    'tailscale-identity.service',
    'gateway-auth-settings',
    'safe-equal',
    'auth-bucket',
  ],
  channels: [
    'channels.module',
    'channels-core.module',
    'channel-registry',
    'channel.types',
    'channels.errors',
    'channel.decorator',
  ],
  'control-ui': ['control-ui.module'],
  gateway: [
    'gateway.module',
    'gateway-core.module',
    'broadcaster',
    'connection/connection',
    'connection/connection-registry',
    'hello-snapshot',
    'event-access',
    'rpc/access',
    'rpc/rpc-context',
    'rpc/wire-errors',
    'rpc/rpc.decorators',
    'http/gateway-http.adapter',
    'http/http-io',
    'http/json-body',
  ],
  health: ['health.module', 'health.service'],
  logs: ['logs.module', 'logs.service', 'log-secrets'],
  models: ['models.module', 'models.service', 'models.types', 'models.errors'],
  nodes: ['nodes.module', 'nodes.service', 'nodes.types', 'nodes.errors'],
  pairing: ['pairing.module', 'pairing.service', 'pairing.types', 'pairing.errors', 'device-tokens'],
  config: ['gateway-runtime', 'runtime-config.module', 'gateway-lifecycle', 'reload-plan', 'config.errors'],
  browser: ['browser.module', 'browser.service', 'browser-media.repository', 'browser.errors'],
  sessions: ['sessions.module', 'sessions.service', 'sessions.types', 'sessions.errors', 'session-keys'],
  state: ['state.module', 'database.service', 'sql-row'],
  tailscale: ['tailscale.module', 'tailscale.service', 'tailscale.errors'],
};
const MODULES = Object.keys(PUBLIC_FILES);
/** Plain Node scripts (bench, test helpers, build): the globals they may use without an import. */
const NODE_GLOBALS = Object.fromEntries(
  [
    'require',
    'module',
    'exports',
    'process',
    'console',
    '__dirname',
    '__filename',
    'Buffer',
    'URL',
    'AbortController',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'clearImmediate',
    'TextEncoder',
    'TextDecoder',
    'fetch',
    'structuredClone',
    'queueMicrotask',
    'global',
    'globalThis',
  ].map((name) => [name, 'readonly']),
);
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Another module reached by a relative path: `../nodes/x` from any depth inside src/modules. */
const boundaryPatterns = (own) =>
  MODULES.filter((m) => m !== own).map((m) => ({
    regex: `(^|/)\\.\\./${escape(m)}/(?!(${PUBLIC_FILES[m].map(escape).join('|')})$)`,
    message: `use the ${m} module through its public files (${PUBLIC_FILES[m].join(', ')}); see docs/architecture.md`,
  }));

/**
 * The gateway's wire error is its own: modules throw their DomainError (src/common/domain-error.ts) and the
 * gateway maps it to the protocol in one place. Also checked in specs, which assert the wire shape through that mapping.
 */
const NO_RPC_ERROR = {
  regex: '(^|/)gateway/rpc/rpc-error$',
  message:
    "only the gateway builds wire errors: throw this module's own error (<name>.errors.ts, a DomainError) and map its code in gateway/rpc/wire-errors.ts",
};

const NO_NEST = {
  group: ['@nestjs/*'],
  message: 'src/common, src/cli and src/node-host start without Nest; keep @nestjs out of them',
};
/** Code the server shares with the CLI or the node host lives in src/common, never reached across from a module. */
const NO_CLIENT_INTERNALS = {
  regex: '(^|/)(node-host|cli)/',
  message: 'modules never import src/node-host or src/cli; move what both need into src/common',
};
const NO_MODULES = {
  regex: '(^|/)modules(/|$)',
  message: 'src/common, src/cli and src/node-host import nothing from src/modules',
};

/** class-validator's index loads every validator it has (libphonenumber-js too): ~150 ms and 7 MB per start. */
const NO_CLASS_VALIDATOR_INDEX = {
  regex: '^class-validator$',
  message: "import class-validator's pieces from src/common/validation/class-validator (add the one you need there)",
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/profiles/**', 'src/control-ui-web/build.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // A leading underscore marks a binding kept on purpose (a rest sibling dropped from an object, a positional parameter).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // A `let` assigned once inside a closure that reads it later (a server and its handler) stays a let.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      'no-restricted-imports': ['error', { patterns: [NO_CLASS_VALIDATOR_INDEX] }],
    },
  },
  ...MODULES.map((m) => ({
    files: [`src/modules/${m}/**/*.ts`],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...boundaryPatterns(m),
            NO_CLIENT_INTERNALS,
            NO_CLASS_VALIDATOR_INDEX,
            ...(m === 'gateway' ? [] : [NO_RPC_ERROR]),
          ],
        },
      ],
    },
  })),
  {
    files: ['src/modules/**/*.spec.ts'],
    ignores: ['src/modules/gateway/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_RPC_ERROR, NO_CLASS_VALIDATOR_INDEX] }] },
  },
  {
    files: ['src/common/**/*.ts', 'src/cli/**/*.ts', 'src/node-host/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_NEST, NO_MODULES, NO_CLASS_VALIDATOR_INDEX] }] },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, sourceType: 'commonjs', globals: NODE_GLOBALS },
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
  {
    // Tests build hostile and partial shapes on purpose.
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-control-regex': 'off' },
  },
);
