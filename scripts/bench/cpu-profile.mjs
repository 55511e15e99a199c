// Preloaded into a server by the benchmark (`node --import ./cpu-profile.mjs …`): CPU profiling that starts on
// SIGWINCH (Nest's shutdown hooks own SIGUSR2) and, on the next one, writes the profile to $CPU_PROFILE_DIR/<label>-<n>.cpuprofile. This way each
// measured step gets its own profile, with start-up and set-up left out (node --cpu-prof covers the whole process and
// is only written at a clean exit).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.CPU_PROFILE_DIR ?? '.';
const session = new Session();
session.connect();
const post = (method, params) =>
  new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
let running = false;
let n = 0;
process.on('SIGWINCH', async () => {
  if (!running) {
    running = true;
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 200 });
    await post('Profiler.start');
    return;
  }
  running = false;
  const { profile } = await post('Profiler.stop');
  writeFileSync(join(dir, `profile-${++n}.cpuprofile`), JSON.stringify(profile));
  process.stderr.write(`cpu-profile: wrote profile-${n}.cpuprofile\n`);
});
