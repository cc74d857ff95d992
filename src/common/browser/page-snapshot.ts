/** The attribute that marks the elements a snapshot numbered, so `act` can find ref 3 again. */
export const REF_ATTRIBUTE = 'data-nestclaw-ref';

export interface PageSnapshot {
  title: string;
  url: string;
  /** Readable text, one block per line; interactive elements as `[n] role "name"`. */
  text: string;
  refs: number;
  truncated: boolean;
}

/**
 * The expression evaluated inside the page. It is plain JavaScript text (the
 * server is compiled without DOM types, and Playwright would serialise a
 * function anyway). It walks the visible DOM once: text is gathered per
 * block, every link, button and form field gets a number, and the numbers of
 * the previous snapshot are cleared first so a stale ref cannot hit a
 * different element.
 */
export function snapshotExpression(maxChars: number): string {
  return `(${SNAPSHOT_SOURCE})(${JSON.stringify({ maxChars, attr: REF_ATTRIBUTE })})`;
}

const SNAPSHOT_SOURCE = String.raw`function (input) {
  var attr = input.attr;
  document.querySelectorAll('[' + attr + ']').forEach(function (el) { el.removeAttribute(attr); });
  var interactive = 'a[href],button,input:not([type=hidden]),textarea,select,summary,[role=button],[role=link],' +
    '[role=checkbox],[role=tab],[contenteditable=""],[contenteditable=true]';
  var skipped = { SCRIPT: 1, STYLE: 1, NOSCRIPT: 1, TEMPLATE: 1, SVG: 1, CANVAS: 1, IFRAME: 1, HEAD: 1 };
  var lines = [];
  var line = '';
  var refs = 0;
  var length = 0;
  var truncated = false;

  function squash(text) { return String(text || '').replace(/\s+/g, ' ').trim(); }
  function flush() {
    var text = squash(line);
    line = '';
    if (!text || truncated) return;
    if (length + text.length + 1 > input.maxChars) { truncated = true; return; }
    lines.push(text);
    length += text.length + 1;
  }
  function hidden(el) {
    if (el.hidden || el.getAttribute('aria-hidden') === 'true') return true;
    var style = getComputedStyle(el);
    return style.display === 'none' || style.visibility === 'hidden';
  }
  function roleOf(el) {
    var explicit = el.getAttribute('role');
    if (explicit) return explicit;
    var tag = el.tagName.toLowerCase();
    if (tag === 'a') return 'link';
    if (tag === 'select') return 'combobox';
    if (tag === 'textarea') return 'textbox';
    if (tag === 'summary') return 'button';
    if (tag === 'input') {
      var type = el.type;
      if (type === 'checkbox' || type === 'radio') return type;
      if (type === 'submit' || type === 'button' || type === 'reset') return 'button';
      return 'textbox';
    }
    return tag;
  }
  function nameOf(el) {
    var label = el.labels && el.labels.length > 0 ? el.labels[0].innerText : '';
    var isButtonInput = el.tagName === 'INPUT' && (el.type === 'submit' || el.type === 'button');
    var candidates = [el.getAttribute('aria-label'), label, el.innerText, isButtonInput ? el.value : '',
      el.getAttribute('placeholder'), el.getAttribute('title'), el.getAttribute('alt')];
    for (var i = 0; i < candidates.length; i++) {
      if (squash(candidates[i])) return squash(candidates[i]).slice(0, 120);
    }
    return '';
  }
  function describe(el, ref) {
    var role = roleOf(el);
    var text = '[' + ref + '] ' + role + ' "' + nameOf(el) + '"';
    if (role === 'textbox' && el.value) text += ' value="' + squash(el.value).slice(0, 80) + '"';
    if ((role === 'checkbox' || role === 'radio') && el.checked) text += ' checked';
    if (role === 'link') {
      var href = el.getAttribute('href') || '';
      if (href && href.indexOf('javascript:') !== 0) text += ' -> ' + href.slice(0, 200);
    }
    return text;
  }
  function walk(node) {
    if (truncated) return;
    if (node.nodeType === 3) { line += ' ' + (node.textContent || ''); return; }
    if (node.nodeType !== 1) return;
    var el = node;
    if (skipped[el.tagName.toUpperCase()] || hidden(el)) return;
    if (el.matches(interactive)) {
      flush();
      refs += 1;
      el.setAttribute(attr, String(refs));
      line = describe(el, refs);
      flush();
      return;
    }
    var display = getComputedStyle(el).display;
    var block = display !== 'inline' && display !== 'contents';
    var heading = /^H[1-6]$/.test(el.tagName) ? '#'.repeat(Number(el.tagName[1])) + ' ' : '';
    if (block || heading) flush();
    if (heading) line = heading;
    el.childNodes.forEach(walk);
    if (block || heading) flush();
  }

  if (document.body) walk(document.body);
  flush();
  return { text: lines.join('\n'), refs: refs, truncated: truncated };
}`;
