import { UsageError } from './exit-codes';

/** The parts of the server a missing install leaves out: the node-host package ships none of them. */
const SERVER_MODULES = /(\/main(\.js)?'|@nestjs\/|better-sqlite3|grammy|openai|selfsigned|rxjs|reflect-metadata)/;

/**
 * Loads the gateway server (Nest and SQLite) only when it is about to run.
 * The `nestclaw-node` package and an install whose native build failed lack
 * it; they get a message naming the install that has it, not a stack.
 */
export async function loadServer(): Promise<typeof import('../main')> {
  let server: typeof import('../main');
  try {
    server = await import('../main');
  } catch (error) {
    throw explainMissingServer(error);
  }
  try {
    await probeSqliteDriver();
  } catch (error) {
    throw explainMissingServer(error);
  }
  return server;
}

/**
 * better-sqlite3 loads its compiled addon only when the first database
 * opens, deep inside Nest's start-up, which then prints a stack and exits 1.
 * Opening a throwaway in-memory database here turns a missing native build
 * into one line with the fix, before Nest starts.
 */
async function probeSqliteDriver(): Promise<void> {
  const { default: Database } = await import('better-sqlite3');
  new Database(':memory:').close();
}

function explainMissingServer(error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  const text = error instanceof Error ? error.message : String(error);
  if (/bindings file|better_sqlite3\.node|NODE_MODULE_VERSION|invalid ELF header/.test(text)) {
    return new UsageError(
      `the SQLite driver (better-sqlite3) is not built for this Node ${process.version}: run \`npm rebuild better-sqlite3\` in the nestclaw install (npm root -g shows where; it needs python3, make and a C++ compiler), then start the gateway again`,
    );
  }
  if (code === 'MODULE_NOT_FOUND' && SERVER_MODULES.test(text)) {
    return new UsageError(
      'this nestclaw install has no gateway server (the nestclaw-node package only runs `nestclaw node run` and talks to a gateway): install the full package on the gateway host, `npm i -g nestclaw-<version>.tgz` (see README, "Install")',
    );
  }
  return error;
}
