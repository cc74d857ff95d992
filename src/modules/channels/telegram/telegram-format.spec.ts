import { escapeHtml, isMarkupRejection, toTelegramHtml } from './telegram-format';

describe('toTelegramHtml', () => {
  it.each([
    ['plain words', 'plain words'],
    ['a < b && c > d', 'a &lt; b &amp;&amp; c &gt; d'],
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['**bold** and ~~gone~~', '<b>bold</b> and <s>gone</s>'],
    ['use `ls -la <dir>`', 'use <code>ls -la &lt;dir&gt;</code>'],
    ['see [docs](https://example.com/a?b=1&c="2")', 'see <a href="https://example.com/a?b=1&amp;c=&quot;2&quot;">docs</a>'],
    ['[bad](javascript:alert(1))', '[bad](javascript:alert(1))'],
    ['snake_case and a*b*c stay, *stars* are italic', 'snake_case and a*b*c stay, <i>stars</i> are italic'],
    ['2 * 3 * 4 and * bullet', '2 * 3 * 4 and * bullet'],
    ['**bold [link](https://example.com/x) inside**', '<b>bold <a href="https://example.com/x">link</a> inside</b>'],
    ['[a **b**](https://example.com/**y**)', '<a href="https://example.com/**y**">a <b>b</b></a>'],
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    ['** not bold **', '** not bold **'],
  ])('renders %p', (markdown, html) => {
    expect(toTelegramHtml(markdown)).toBe(html);
  });

  it('renders a fenced block with its language and escapes its content only', () => {
    expect(toTelegramHtml('Run:\n```sh\necho "<hi>" && **x**\n```\nok')).toBe(
      'Run:\n<pre><code class="language-sh">echo "&lt;hi&gt;" &amp;&amp; **x**</code></pre>\nok',
    );
  });

  it('renders a fenced block without a language as pre', () => {
    expect(toTelegramHtml('```\na < b\n```')).toBe('<pre>a &lt; b</pre>');
  });

  it('leaves an unclosed fence as text', () => {
    expect(toTelegramHtml('```js\nconst a = 1 < 2;')).toBe('```js\nconst a = 1 &lt; 2;');
  });
});

describe('escapeHtml', () => {
  it('escapes exactly &, < and >', () => {
    expect(escapeHtml(`&<>"'`)).toBe(`&amp;&lt;&gt;"'`);
  });
});

describe('isMarkupRejection', () => {
  it('recognises Telegram parse errors', () => {
    expect(isMarkupRejection(400, 'Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 0')).toBe(true);
  });

  it('ignores other 400s and other statuses', () => {
    expect(isMarkupRejection(400, 'Bad Request: chat not found')).toBe(false);
    expect(isMarkupRejection(500, "can't parse entities")).toBe(false);
  });
});
