import { HostExecRunner } from './host-exec.runner';

describe(HostExecRunner.name, () => {
  describe('run', () => {
    it('runs argv without a shell and collects the output', async () => {
      const outcome = await new HostExecRunner().run({ argv: ['echo', 'hello', '$HOME', '; ls'], timeoutMs: 5_000 });
      expect(outcome).toMatchObject({ exitCode: 0, stdout: 'hello $HOME ; ls\n', timedOut: false });
    });

    it("gives the command none of the gateway's secrets", async () => {
      process.env.NESTCLAW_GATEWAY_TOKEN_FOR_TEST = 'secret';
      try {
        const outcome = await new HostExecRunner().run({ argv: ['env'], timeoutMs: 5_000 });
        expect(outcome.stdout).toContain('PATH=');
        expect(outcome.stdout).not.toContain('secret');
      } finally {
        delete process.env.NESTCLAW_GATEWAY_TOKEN_FOR_TEST;
      }
    });
  });
});
