// `pnpm dev`: the API with automatic rebuilds (tsc --watch + node --watch) and the SPA on Vite's dev server
// (http://localhost:5173, proxying /api and /socket.io to the API on :3000).
import { spawn } from 'node:child_process';

const procs = [];
const run = (cmd, args, opts = {}) => {
  const p = spawn(cmd, args, { stdio: 'inherit', shell: false, ...opts });
  procs.push(p);
  p.on('exit', (code) => {
    if (code && code !== 0) console.error(`${cmd} ${args.join(' ')} exited with ${code}`);
  });
  return p;
};
const stop = () => {
  for (const p of procs) p.kill('SIGTERM');
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

run('pnpm', [
  'nx',
  'run-many',
  '-t',
  'build',
  '--projects=@sysponto/contracts,@sysponto/client',
  '--output-style=static',
]).on('exit', () => {
  run('pnpm', ['--filter', 'api', 'exec', 'tsc', '-p', 'tsconfig.build.json', '--watch', '--preserveWatchOutput']);
  setTimeout(
    () => run('node', ['--watch', 'apps/api/dist/main.js'], { env: { ...process.env, WEB_DIST_DIR: '/nonexistent' } }),
    8000,
  );
  run('pnpm', ['--filter', 'web', 'dev']);
});
