import { RunScheduler, RunSlot } from './run-scheduler';

/** Acquires and records the order in which slots are granted. */
function track(scheduler: RunScheduler) {
  const granted: string[] = [];
  const slots = new Map<string, RunSlot>();
  const acquire = (key: string, label: string, signal?: AbortSignal) =>
    scheduler.acquire(key, signal).then((slot) => {
      granted.push(label);
      slots.set(label, slot);
      return slot;
    });
  return { granted, slots, acquire };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe(RunScheduler.name, () => {
  describe('acquire', () => {
    it('runs one at a time per session, in arrival order', async () => {
      // Arrange
      const { granted, slots, acquire } = track(new RunScheduler(4));
      // Act
      void acquire('s1', 'a');
      void acquire('s1', 'b');
      void acquire('s1', 'c');
      await flush();
      const first = [...granted];
      slots.get('a')!.release();
      await flush();
      const second = [...granted];
      slots.get('b')!.release();
      await flush();
      // Assert
      expect(first).toEqual(['a']);
      expect(second).toEqual(['a', 'b']);
      expect(granted).toEqual(['a', 'b', 'c']);
    });

    it('runs different sessions side by side up to the limit, then in arrival order', async () => {
      const scheduler = new RunScheduler(2);
      const { granted, slots, acquire } = track(scheduler);
      void acquire('s1', 'a');
      void acquire('s2', 'b');
      void acquire('s3', 'c');
      void acquire('s4', 'd');
      await flush();
      expect(granted).toEqual(['a', 'b']);
      expect(scheduler.active).toBe(2);
      expect(scheduler.waiting).toBe(2);

      slots.get('b')!.release();
      await flush();
      expect(granted).toEqual(['a', 'b', 'c']);
    });

    it('gives a freed slot to the session that waited longest, not to the same session again', async () => {
      const { granted, slots, acquire } = track(new RunScheduler(1));
      void acquire('s1', 'a1');
      void acquire('s2', 'b1');
      void acquire('s1', 'a2');
      await flush();
      slots.get('a1')!.release();
      await flush();
      expect(granted).toEqual(['a1', 'b1']);
      slots.get('b1')!.release();
      await flush();
      expect(granted).toEqual(['a1', 'b1', 'a2']);
    });

    it('drops an aborted waiter from the queue and lets the next one through', async () => {
      const { granted, slots, acquire } = track(new RunScheduler(1));
      const controller = new AbortController();
      void acquire('s1', 'a');
      const aborted = acquire('s1', 'b', controller.signal);
      void acquire('s1', 'c');
      await flush();

      controller.abort(new Error('stop'));
      await expect(aborted).rejects.toThrow('stop');
      slots.get('a')!.release();
      await flush();

      expect(granted).toEqual(['a', 'c']);
    });

    it('drops an aborted session head that waited for a global slot', async () => {
      const scheduler = new RunScheduler(1);
      const { granted, slots, acquire } = track(scheduler);
      const controller = new AbortController();
      void acquire('s1', 'a');
      const aborted = acquire('s2', 'b', controller.signal);
      void acquire('s2', 'c');
      await flush();

      controller.abort(new Error('stop'));
      await expect(aborted).rejects.toThrow('stop');
      slots.get('a')!.release();
      await flush();

      expect(granted).toEqual(['a', 'c']);
      expect(scheduler.waiting).toBe(0);
    });

    it('rejects at once when the signal is already aborted', async () => {
      const controller = new AbortController();
      controller.abort(new Error('already'));
      await expect(new RunScheduler(1).acquire('s1', controller.signal)).rejects.toThrow('already');
    });

    it('ignores a second release of the same slot', async () => {
      const scheduler = new RunScheduler(1);
      const { granted, slots, acquire } = track(scheduler);
      void acquire('s1', 'a');
      void acquire('s2', 'b');
      void acquire('s3', 'c');
      await flush();
      slots.get('a')!.release();
      slots.get('a')!.release();
      await flush();
      expect(granted).toEqual(['a', 'b']);
      expect(scheduler.active).toBe(1);
    });
  });
});
