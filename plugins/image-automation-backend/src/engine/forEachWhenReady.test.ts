import { setTimeout as sleep } from 'node:timers/promises';
import { Deferred, deferred, forEachWhenReady } from './forEachWhenReady';

describe('forEachWhenReady', () => {
  it('works on items in the order they become ready, not the order given', async () => {
    const gates = ['a', 'b', 'c', 'd'].map(name => ({ name, ...deferred() }));
    const done: string[] = [];
    const running = forEachWhenReady(
      gates,
      g => [g.promise],
      2,
      async g => {
        done.push(g.name);
      },
    );
    for (const name of ['c', 'a', 'd', 'b']) {
      gates.find(g => g.name === name)!.resolve();
      await sleep(1);
    }
    await running;
    expect(done).toEqual(['c', 'a', 'd', 'b']);
  });

  it('keeps at most `limit` items in work, and an item that waits holds up nobody', async () => {
    const slow = deferred();
    const othersDone = deferred();
    let active = 0;
    let most = 0;
    const done: number[] = [];
    const items = Array.from({ length: 20 }, (_, i) => i);
    const running = forEachWhenReady(
      items,
      i => [i === 0 ? slow.promise : Promise.resolve()],
      3,
      async i => {
        active++;
        most = Math.max(most, active);
        await sleep(2);
        active--;
        done.push(i);
        if (done.length === 19) othersDone.resolve();
      },
    );
    // Everything but the item waiting for its repository gets done first.
    await othersDone.promise;
    expect(done).not.toContain(0);
    slow.resolve();
    await running;
    expect(done).toHaveLength(20);
    expect(done[19]).toBe(0);
    expect(most).toBe(3);
  });

  it('counts an item whose readiness failed as ready, and ends with nothing left', async () => {
    const done: string[] = [];
    await forEachWhenReady(
      ['ok', 'failed'],
      item => [item === 'failed' ? Promise.reject(new Error('x')) : sleep(5)],
      4,
      async item => {
        done.push(item);
      },
    );
    expect(done.sort()).toEqual(['failed', 'ok']);
    await forEachWhenReady(
      [],
      () => [Promise.resolve()],
      4,
      async () => {
        throw new Error('no items, no work');
      },
    );
  });

  it('waits for every dependency of an item, shared ones once, and starts items without any at once', async () => {
    const [a, b] = [deferred(), deferred()];
    let thens = 0;
    const counted = (d: Deferred) => {
      const then = d.promise.then.bind(d.promise);
      d.promise.then = ((...args: Parameters<typeof then>) => {
        thens++;
        return then(...args);
      }) as typeof d.promise.then;
      return d.promise;
    };
    const [pa, pb] = [counted(a), counted(b)];
    const done: string[] = [];
    const running = forEachWhenReady(
      ['ab', 'a', 'none', 'b', 'a-twice'],
      item =>
        ({
          ab: [pa, pb],
          a: [pa, undefined],
          none: [],
          b: [pb],
          'a-twice': [pa, pa],
        }[item]!),
      2,
      async item => {
        done.push(item);
      },
    );
    await sleep(1);
    expect(done).toEqual(['none']);
    a.resolve();
    await sleep(1);
    expect(done).toEqual(['none', 'a', 'a-twice']);
    b.resolve();
    await running;
    expect(done).toEqual(['none', 'a', 'a-twice', 'ab', 'b']);
    expect(thens).toBe(2);
  });
});
