import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { FileStorage } from './file-storage.js';
import { LocalDiskStorage } from './local-disk.storage.js';

/** Uploads under `DATA_DIR/uploads`; with the in-memory database (tests) a temporary folder removed at shutdown. */
@Module({
  providers: [
    {
      provide: FileStorage,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        const root =
          config.dataDir === ':memory:'
            ? mkdtempSync(join(tmpdir(), 'sysponto-uploads-'))
            : join(config.dataDir, 'uploads');
        mkdirSync(root, { recursive: true, mode: 0o700 });
        return new LocalDiskStorage(root);
      },
    },
  ],
  exports: [FileStorage],
})
export class StorageModule implements OnApplicationShutdown {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly storage: FileStorage,
  ) {}

  onApplicationShutdown() {
    if (this.config.dataDir === ':memory:' && this.storage instanceof LocalDiskStorage)
      rmSync(this.storage.root, { recursive: true, force: true });
  }
}
