import { EvaluatingPage, evaluateSettled } from './browser-controller';

/** A page whose evaluations answer in turn from `outcomes` (an Error rejects), recording what was asked of it. */
function scriptedPage(outcomes: unknown[]): EvaluatingPage & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    evaluate: async () => {
      calls.push('evaluate');
      const next = outcomes.shift();
      if (next instanceof Error) throw next;
      return next;
    },
    waitForLoadState: async () => {
      calls.push('waitForLoadState');
    },
  };
}

const destroyed = () => new Error('page.evaluate: Execution context was destroyed, most likely because of a navigation');

describe(evaluateSettled.name, () => {
  it('reads the page it landed on when a navigation destroyed the context, after that page loaded', async () => {
    const page = scriptedPage([destroyed(), 'the new page']);

    const result = await evaluateSettled(page, 'document.title', 1_000);

    expect(result).toBe('the new page');
    expect(page.calls).toEqual(['evaluate', 'waitForLoadState', 'evaluate']);
  });

  it('tries again only once, and never for other errors', async () => {
    const twice = scriptedPage([destroyed(), destroyed()]);
    await expect(evaluateSettled(twice, 'x', 1_000)).rejects.toThrow(/Execution context was destroyed/);
    expect(twice.calls).toEqual(['evaluate', 'waitForLoadState', 'evaluate']);

    const closed = scriptedPage([new Error('page.evaluate: Target page, context or browser has been closed')]);
    await expect(evaluateSettled(closed, 'x', 1_000)).rejects.toThrow(/has been closed/);
    expect(closed.calls).toEqual(['evaluate']);
  });
});
