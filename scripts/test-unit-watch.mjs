// `pnpm test:unit:watch`: the API unit specs (jest --watch) and the web specs (vitest) side by side, each re-running
// what a saved file affects. Output lines carry the project's name; Ctrl-C stops both.
import { spawn } from 'node:child_process';

const watchers = [
  ['api', ['--filter', 'api', 'exec', 'jest', '--selectProjects', 'unit', '--watch']],
  ['web', ['--filter', 'web', 'exec', 'vitest', '--watch']],
];
const children = watchers.map(([name, args]) => {
  const child = spawn('pnpm', args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '1', NODE_OPTIONS: '--experimental-vm-modules' },
  });
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) process.stdout.write(`${name}: ${line}\n`);
    });
  }
  child.on('exit', (code) => {
    console.log(`${name}: watcher exited (${code ?? 'signal'})`);
    stop();
  });
  return child;
});

function stop() {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
