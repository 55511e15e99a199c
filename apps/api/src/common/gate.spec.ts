import { Gate, GateFull } from './gate.js';

/** A task that stays in progress until its `finish` is called. */
function held() {
  let finish!: (v: string) => void;
  const started = jest.fn();
  const task = () => {
    started();
    return new Promise<string>((r) => (finish = r));
  };
  return { task, started, finish: (v: string) => finish(v) };
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('Gate', () => {
  it('runs at most `limit` tasks at once and the rest in arrival order', async () => {
    const gate = new Gate(2, 10);
    const tasks = [held(), held(), held(), held()];
    const results = tasks.map((t) => gate.run(t.task));
    await settle();
    expect(tasks.map((t) => t.started.mock.calls.length)).toEqual([1, 1, 0, 0]);
    expect(gate.queued).toBe(2);
    tasks[1].finish('b');
    await settle();
    expect(tasks.map((t) => t.started.mock.calls.length)).toEqual([1, 1, 1, 0]);
    tasks[0].finish('a');
    await settle();
    expect(tasks[3].started).toHaveBeenCalled();
    tasks[2].finish('c');
    tasks[3].finish('d');
    await expect(Promise.all(results)).resolves.toEqual(['a', 'b', 'c', 'd']);
    expect(gate.queued).toBe(0);
  });

  it('refuses a task beyond the queue bound, and a failed task frees its place', async () => {
    const gate = new Gate(1, 1);
    const first = gate.run(() => Promise.reject(new Error('boom')));
    const second = held();
    const waiting = gate.run(second.task);
    await expect(gate.run(() => Promise.resolve('x'))).rejects.toBeInstanceOf(GateFull);
    await expect(first).rejects.toThrow('boom');
    await settle();
    expect(second.started).toHaveBeenCalled();
    second.finish('ok');
    await expect(waiting).resolves.toBe('ok');
    // Free again: runs at once.
    await expect(gate.run(() => Promise.resolve('now'))).resolves.toBe('now');
  });
});
