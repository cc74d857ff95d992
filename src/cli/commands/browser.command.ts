import type { Command } from 'commander';
import { withTargetOptions } from './target-options';

const impl = () => import('./browser');

/** `nestclaw browser …`: the reference CLI's core browser commands, over `browser.request`. */
export function registerBrowser(program: Command): void {
  const browser = program.command('browser').description("drive the gateway's browser (tools.browser) from the command line");
  withTargetOptions(browser.command('status').description('whether the browser runs, and how many tabs it has')).action(
    async (o) => (await impl()).status(o),
  );
  withTargetOptions(browser.command('start').description('start the browser')).action(async (o) => (await impl()).start(o));
  withTargetOptions(browser.command('stop').description('close the browser and its tabs')).action(async (o) =>
    (await impl()).stop(o),
  );
  withTargetOptions(browser.command('tabs').description('the open tabs')).action(async (o) => (await impl()).tabs(o));
  withTargetOptions(browser.command('open <url>').description('open a URL in a new tab')).action(async (url, o) =>
    (await impl()).open(url, o),
  );
  withTargetOptions(browser.command('navigate <url>').description('load a URL in the current tab')).action(async (url, o) =>
    (await impl()).navigate(url, o),
  );
  withTargetOptions(
    browser
      .command('snapshot')
      .description("the page's readable text with numbered element refs")
      .option('--target-id <id>', 'a tab id from `tabs`'),
  ).action(async (o) => (await impl()).snapshot(o));
  withTargetOptions(
    browser
      .command('screenshot')
      .description('save a PNG of the page')
      .option('-o, --output <file>', 'where to write the PNG', 'screenshot.png')
      .option('--full-page', 'the whole page, not just the viewport')
      .option('--target-id <id>', 'a tab id from `tabs`'),
  ).action(async (o) => (await impl()).screenshot(o));
  withTargetOptions(browser.command('click <ref>').description('click the element with this ref (from `snapshot`)')).action(
    async (ref, o) => (await impl()).act({ kind: 'click', ref }, o),
  );
  withTargetOptions(
    browser.command('type <ref> <text>').description('fill the field with this ref').option('--submit', 'press Enter afterwards'),
  ).action(async (ref, text, o) => (await impl()).act({ kind: 'type', ref, text, submit: Boolean(o.submit) }, o));
}
