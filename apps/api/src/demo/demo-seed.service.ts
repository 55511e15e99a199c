import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PasswordService } from '../modules/auth/password.service.js';
import { seedDemoSchool } from './demo-school.js';

export const DEMO_PASSWORD = 'sysponto-demo';
export const DEMO_LOGINS = [
  { role: 'admin', email: 'admin@example.com' },
  { role: 'teacher', email: 'teacher@example.com' },
  { role: 'student', email: 'student@example.com' },
];

/** Seeds the demo school once, on an empty database, never in production (SEED_DEMO=false turns it off). */
@Injectable()
export class DemoSeedService implements OnApplicationBootstrap {
  private readonly logger = new Logger('DemoSeed');
  seeded = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly passwords: PasswordService,
  ) {}

  async onApplicationBootstrap() {
    if (!this.config.seedDemo || this.config.isProduction) return;
    const [{ n }] = (await this.dataSource.query('SELECT count(*)::int AS n FROM users')) as { n: number }[];
    if (n > 0) return;
    const started = Date.now();
    const hash = await this.passwords.hash(DEMO_PASSWORD);
    await this.dataSource.transaction((m) => seedDemoSchool(m, hash, new Date()));
    this.seeded = true;
    this.logger.log(`Seeded the demo school in ${Date.now() - started} ms`);
  }
}
