import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { newStorageKey } from './file-storage.js';
import { LocalDiskStorage } from './local-disk.storage.js';

async function read(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('LocalDiskStorage', () => {
  let root: string;
  let storage: LocalDiskStorage;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'sysponto-storage-'));
    storage = new LocalDiskStorage(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('stores, reads back and deletes by random key', async () => {
    const key = newStorageKey();
    expect(key).toMatch(/^[a-f0-9]{32}$/);
    await expect(storage.put(key, Readable.from([Buffer.from('hello '), Buffer.from('world')]))).resolves.toEqual({
      size: 11,
    });
    expect(readdirSync(join(root, key.slice(0, 2)))).toEqual([key]);
    await expect(read((await storage.get(key))!)).resolves.toBe('hello world');
    await storage.delete(key);
    await expect(storage.get(key)).resolves.toBeNull();
    await expect(storage.delete(key)).resolves.toBeUndefined();
  });

  it('leaves nothing behind when the stream fails', async () => {
    const key = newStorageKey();
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(1000));
        this.destroy(new Error('client went away'));
      },
    });
    await expect(storage.put(key, failing)).rejects.toThrow('client went away');
    expect(readdirSync(join(root, key.slice(0, 2)))).toEqual([]);
  });

  it('refuses keys that are not its own random keys', async () => {
    await expect(storage.put('../../etc/passwd', Readable.from([]))).rejects.toThrow('Invalid storage key');
    await expect(storage.get('..')).rejects.toThrow('Invalid storage key');
  });
});
