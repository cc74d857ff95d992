import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { runCli, type CliRun } from '../support/cli-process';
import { FakeTelegram, type FakeUser } from '../support/fake-telegram';
import { freePort } from '../support/free-port';
import { stateDirPool } from '../support/test-app';

jest.setTimeout(90_000);

const USERS: FakeUser[] = Array.from({ length: 10 }, (_, i) => ({ id: 7_000 + i, first_name: `User ${i}` }));
const HELP_MARK = '/help – this list';

/** Polls a condition of the outside world (a file, a fake server); never a fixed sleep. */
async function until<T>(check: () => T | undefined | false, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Reads the outbox of a gateway's state dir, read-only, the way an operator would inspect it. */
function outboxRows(dir: string): Array<Record<string, unknown>> {
  const db = new Database(path.join(dir, 'state.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT * FROM channel_outbox ORDER BY id').all() as Array<Record<string, unknown>>;
  } catch {
    return [];
  } finally {
    db.close();
  }
}

describe('exactly-once stays honest: a gateway SIGKILLed while replies are in flight', () => {
  const pool = stateDirPool();
  let fake: FakeTelegram;
  const runs: CliRun[] = [];
  afterAll(async () => {
    for (const run of runs) if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    await fake?.stop();
    pool.removeAll();
  });

  it('loses no reply and re-sends at most the ones inside a Bot API call at the crash', async () => {
    // Arrange: a real gateway process whose Bot API accepts replies but does not answer yet.
    fake = await new FakeTelegram().start();
    const dir = pool.make();
    const config = {
      channels: {
        telegram: { enabled: true, botToken: fake.token, apiRoot: fake.apiRoot, allowFrom: USERS.map((u) => u.id) },
      },
    };
    fs.writeFileSync(path.join(dir, 'nestclaw.json'), JSON.stringify(config));
    const start = async () => {
      const run = runCli(['gateway', 'run', '--port', String(await freePort())], { NESTCLAW_STATE_DIR: dir });
      runs.push(run);
      await run.waitFor('listening on', 30_000);
      return run;
    };
    const first = await start();
    await fake.waitForCall('getUpdates');
    fake.holdSends = true;

    // Act: ten users write; every reply is queued, and the gateway is killed while replies are on the wire.
    for (const user of USERS) fake.pushMessage({ chatId: user.id, from: user, text: '/help' });
    await until(() => outboxRows(dir).length === USERS.length && fake.sent.length > 0, 'ten queued replies, one on the wire');
    await until(
      () => fake.sent.length === outboxRows(dir).filter((row) => row.sending_at_ms !== null).length,
      'every reply on the wire to be marked sending',
    );
    first.child.kill('SIGKILL');
    await first.exited;
    const onTheWire = fake.sent.length;
    const markedSending = outboxRows(dir).filter((row) => row.sending_at_ms !== null && row.sent_at_ms === null).length;
    fake.releaseSends();

    // Act: the gateway comes back on the same state.
    const second = await start();
    await until(() => USERS.every((u) => fake.sentTo(u.id).length > 0), 'every user to have a reply');
    await until(() => outboxRows(dir).every((row) => row.sent_at_ms !== null), 'the outbox to drain');
    second.child.kill('SIGTERM');
    await second.exited;

    // Assert: nothing lost; duplicates only among the replies that were inside a Bot API call.
    const perUser = USERS.map((u) => fake.sentTo(u.id).filter((m) => m.text.includes(HELP_MARK)).length);
    const duplicated = perUser.filter((n) => n > 1).length;
    console.log(
      `in flight at SIGKILL: ${onTheWire} of ${USERS.length}; duplicated after restart: ${duplicated} of ${USERS.length}`,
    );
    expect(perUser.every((n) => n >= 1)).toBe(true);
    // The documented window (docs/channels.md, "Reliability"): one part per channel account on the wire.
    expect(markedSending).toBe(1);
    expect(onTheWire).toBe(1);
    expect(duplicated).toBeLessThanOrEqual(markedSending);
  });
});
