import { table, terminalSafe } from './output';

describe('terminalSafe', () => {
  it.each([
    ['an ESC colour sequence', 'evil\u001b[31mred', 'evil\\x1b[31mred'],
    ['a carriage return that would overwrite the line', 'ok\rapproved', 'ok\\x0dapproved'],
    ['a bell', 'ding\u0007', 'ding\\x07'],
    ['a line break that would fake a line', 'a\nnode  trusted', 'a\\x0anode  trusted'],
    ['a C1 control (CSI)', 'x\u009by', 'x\\x9by'],
    ['a right-to-left override', 'abc\u202Etxt.exe', 'abc\\u202etxt.exe'],
    ['DEL', 'a\u007f', 'a\\x7f'],
  ])('replaces %s with a visible escape', (_name, input, expected) => {
    expect(terminalSafe(input)).toBe(expected);
  });

  it('leaves ordinary text, accents and emoji alone', () => {
    expect(terminalSafe('Zoë’s Pi 🍓 (build box)')).toBe('Zoë’s Pi 🍓 (build box)');
  });
});

describe('table', () => {
  it('makes labels and values safe and aligns on what is printed', () => {
    expect(
      table([
        ['a\u001b', 'v\u0007'],
        ['long-label', 'x'],
      ]),
    ).toEqual(['a\\x1b       v\\x07', 'long-label  x']);
  });

  it('aligns every column of rows of any width, the last one unpadded', () => {
    expect(
      table(
        [
          ['NAME', 'ID', 'STATE'],
          ['garage-pi', 'abc', 'connected'],
          ['nas', 'a-long-id', 'offline'],
        ],
        '  ',
      ),
    ).toEqual(['  NAME       ID         STATE', '  garage-pi  abc        connected', '  nas        a-long-id  offline']);
  });
});
