/** Shared enums: the API's DTOs and the SPA use these exact values. */

export const UserRole = { Student: 'student', Teacher: 'teacher', Admin: 'admin' } as const;
export type UserRole = (typeof UserRole)[keyof typeof UserRole];
export const USER_ROLES = Object.values(UserRole);

/** `cancelled`: never held, never counted (with a reason; the students are told). */
export const SessionState = { Scheduled: 'scheduled', Open: 'open', Closed: 'closed', Cancelled: 'cancelled' } as const;
export type SessionState = (typeof SessionState)[keyof typeof SessionState];
export const SESSION_STATES = Object.values(SessionState);

export const AttendanceStatus = {
  Pending: 'pending',
  Present: 'present',
  Late: 'late',
  Absent: 'absent',
  Excused: 'excused',
} as const;
export type AttendanceStatus = (typeof AttendanceStatus)[keyof typeof AttendanceStatus];
export const ATTENDANCE_STATUSES = Object.values(AttendanceStatus);

export const AttendanceSource = {
  Code: 'code',
  Qr: 'qr',
  Teacher: 'teacher',
  Justification: 'justification',
  AutoClose: 'auto-close',
  /** Brought in from another system (the Moodle attendance import). */
  Import: 'import',
} as const;
export type AttendanceSource = (typeof AttendanceSource)[keyof typeof AttendanceSource];
export const ATTENDANCE_SOURCES = Object.values(AttendanceSource);

export const CodeMode = { Fixed: 'fixed', Rotating: 'rotating' } as const;
export type CodeMode = (typeof CodeMode)[keyof typeof CodeMode];
export const CODE_MODES = Object.values(CodeMode);

export const JustificationType = { Absence: 'absence', Late: 'late' } as const;
export type JustificationType = (typeof JustificationType)[keyof typeof JustificationType];
export const JUSTIFICATION_TYPES = Object.values(JustificationType);

export const JustificationStatus = {
  Pending: 'pending',
  Approved: 'approved',
  Rejected: 'rejected',
  Withdrawn: 'withdrawn',
} as const;
export type JustificationStatus = (typeof JustificationStatus)[keyof typeof JustificationStatus];
export const JUSTIFICATION_STATUSES = Object.values(JustificationStatus);

/** Unambiguous alphabet for join and attendance codes: no 0/O/1/I/L. */
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/**
 * Integrity flags on an attendance record, for the teacher to review; they never block a check-in.
 * shared-device: one device checked in two or more students of the session (every such record is flagged).
 * location-out-of-range / location-unknown: the in-room check's verdict, when the course's location mode is on.
 */
export const AttendanceFlag = {
  SharedDevice: 'shared-device',
  LocationOutOfRange: 'location-out-of-range',
  LocationUnknown: 'location-unknown',
} as const;
export type AttendanceFlag = (typeof AttendanceFlag)[keyof typeof AttendanceFlag];
export const ATTENDANCE_FLAGS = Object.values(AttendanceFlag);

/** A course's in-room check: off (default), flag (verdicts become roster flags), require (out-of-range refused). */
export const LocationMode = { Off: 'off', Flag: 'flag', Require: 'require' } as const;
export type LocationMode = (typeof LocationMode)[keyof typeof LocationMode];
export const LOCATION_MODES = Object.values(LocationMode);

/** The in-room check's verdict: the only thing stored about a student's location. */
export const LocationVerdict = { InRange: 'in-range', OutOfRange: 'out-of-range', Unknown: 'unknown' } as const;
export type LocationVerdict = (typeof LocationVerdict)[keyof typeof LocationVerdict];
export const LOCATION_VERDICTS = Object.values(LocationVerdict);
