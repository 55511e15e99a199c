import 'reflect-metadata';
import { networkInterfaces } from 'node:os';
import { ConfigError, loadConfig } from './config/app-config.js';
import { createApp } from './app.factory.js';
import { listenUrls } from './common/listen-urls.js';
import { DEMO_LOGINS, DEMO_PASSWORD, DemoSeedService } from './demo/demo-seed.service.js';

const LISTEN_BACKLOG = 4096;

async function main() {
  const started = Date.now();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  const app = await createApp(config);
  // A class reconnecting at once (Wi-Fi back, a replica restarted) opens thousands of connections in the same
  // instant: Node's default accept queue (511) refuses the rest, and each refused client waits for its retry. The
  // kernel caps this at net.core.somaxconn (4096 on current Linux).
  await app.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG });
  const url = config.publicUrl;
  const lines = [
    '',
    `  SysPonto is ready in ${((Date.now() - started) / 1000).toFixed(1)} s — ${url}`,
    `  API docs: ${url}/api/docs   health: ${url}/api/health`,
    // On a classroom network: the addresses students' phones can reach (QR codes follow the address the teacher's
    // browser uses when PUBLIC_URL is not set; links in mails always use PUBLIC_URL).
    ...listenUrls(config.host, config.port, networkInterfaces()).map((u) => `  On this network: ${u}`),
    `  Database: ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`}   Socket.IO adapter: ${config.redisUrl ? 'Redis' : 'in-memory'}`,
  ];
  if (config.seedDemo) {
    const seeded = app.get(DemoSeedService).seeded;
    lines.push(`  Demo logins${seeded ? ' (demo school just seeded)' : ''}, password "${DEMO_PASSWORD}":`);
    for (const l of DEMO_LOGINS) lines.push(`    ${l.role.padEnd(8)} ${l.email}`);
  }
  console.log(lines.join('\n') + '\n');
}

process.on('unhandledRejection', (reason) => {
  console.error('Unhandled rejection (kept running):', reason);
});

main().catch((err) => {
  console.error('SysPonto failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
