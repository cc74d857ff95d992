import { parseSlashCommand, splitArgs } from './slash-command';

describe('slash commands', () => {
  describe(parseSlashCommand.name, () => {
    it.each([
      ['/help', { name: 'help', rest: '' }],
      ['  /STATUS  ', { name: 'status', rest: '' }],
      ['/run garage ls -la', { name: 'run', rest: 'garage ls -la' }],
      ['/run@nestclaw_bot garage uptime', { name: 'run', rest: 'garage uptime' }],
      ['/run\ngarage\nuptime', { name: 'run', rest: 'garage\nuptime' }],
    ])('parses %p', (message, expected) => {
      expect(parseSlashCommand(message)).toEqual(expected);
    });

    it.each(['hello', 'what is /help?', '/', '/ help', '//x', '/123'])('is not a command: %p', (message) => {
      expect(parseSlashCommand(message)).toBeUndefined();
    });
  });

  describe(splitArgs.name, () => {
    it.each<[string, string[]]>([
      ['ls -la /tmp', ['ls', '-la', '/tmp']],
      ['  echo   spaced  ', ['echo', 'spaced']],
      ['echo "hello world"', ['echo', 'hello world']],
      ["echo 'single $HOME'", ['echo', 'single $HOME']],
      ['echo "say \\"hi\\""', ['echo', 'say "hi"']],
      ['echo a\\ b', ['echo', 'a b']],
      ['echo ""', ['echo', '']],
      ['echo $(rm -rf /) ; ls', ['echo', '$(rm', '-rf', '/)', ';', 'ls']],
    ])('splits %p', (text, expected) => {
      expect(splitArgs(text)).toEqual(expected);
    });

    it('refuses an unbalanced quote', () => {
      expect(() => splitArgs('echo "oops')).toThrow('unbalanced double quote');
    });
  });
});
