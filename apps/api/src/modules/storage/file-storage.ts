import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';

export interface StoredFile {
  /** Bytes written. */
  size: number;
}

/**
 * Where uploaded documents live. Keys are random (see `newStorageKey`), never derived from user input, so an
 * implementation may map them straight to paths or object names. Local disk today; an S3-compatible bucket can
 * implement the same four methods.
 */
export abstract class FileStorage {
  /** Writes the whole stream under `key`; if the stream fails nothing is left behind. */
  abstract put(key: string, data: Readable): Promise<StoredFile>;
  /** A stream of the stored bytes, or null when there is no such object. */
  abstract get(key: string): Promise<Readable | null>;
  /** Removes the object; missing objects are not an error. */
  abstract delete(key: string): Promise<void>;
}

const KEY = /^[a-f0-9]{32}$/;

/** 128 random bits as 32 hex characters. */
export function newStorageKey(): string {
  return randomBytes(16).toString('hex');
}

export function assertStorageKey(key: string): void {
  if (!KEY.test(key)) throw new Error('Invalid storage key');
}
