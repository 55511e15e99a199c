import { DrainLoop } from './drain-loop.js';

/** A drain that stays in progress until `finish()` is called. */
function controlledDrain() {
  const runs: (() => void)[] = [];
  const drain = jest.fn(
    () =>
      new Promise<void>((resolve) => {
        runs.push(resolve);
      }),
  );
  const finish = async () => {
    runs.shift()!();
    // Let the loop's then/catch/finally chain run.
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { drain, finish };
}

describe('DrainLoop', () => {
  it('runs one drain at a time and once more after kicks that came during a run', async () => {
    const { drain, finish } = controlledDrain();
    const loop = new DrainLoop(drain, () => undefined);
    loop.kick();
    loop.kick();
    loop.kick();
    expect(drain).toHaveBeenCalledTimes(1);
    await finish();
    expect(drain).toHaveBeenCalledTimes(2);
    await finish();
    expect(drain).toHaveBeenCalledTimes(2);
    loop.kick();
    expect(drain).toHaveBeenCalledTimes(3);
    await finish();
  });

  it('reports a failed drain and keeps working', async () => {
    const errors: unknown[] = [];
    const drain = jest.fn().mockRejectedValueOnce(new Error('smtp down')).mockResolvedValue(0);
    const loop = new DrainLoop(drain, (err) => errors.push(err));
    loop.kick();
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(errors).toEqual([new Error('smtp down')]);
    loop.kick();
    await loop.stop();
    expect(drain).toHaveBeenCalledTimes(2);
    expect(errors).toHaveLength(1);
  });

  it('stop waits for the run in progress, and nothing starts after it', async () => {
    const { drain, finish } = controlledDrain();
    const loop = new DrainLoop(drain, () => undefined);
    loop.kick();
    loop.kick();
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    expect(loop.isStopped).toBe(true);
    await Promise.resolve();
    expect(stopped).toBe(false);
    await finish();
    await stopping;
    expect(stopped).toBe(true);
    loop.kick();
    expect(drain).toHaveBeenCalledTimes(1);
  });
});
