import { Injectable } from '@nestjs/common';

/**
 * The app's clock for rotating-code slots (tests move it). Everything else about windows and expiry is decided by
 * the database's now(), so replicas agree even when their clocks drift a little.
 */
@Injectable()
export class AttendanceClock {
  now(): number {
    return Date.now();
  }
}
