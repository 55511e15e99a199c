/** Injection token: the at-risk threshold as a fraction 0..1 (ATTENDANCE_WARNING_PERCENT ÷ 100). */
export const WARNING_THRESHOLD = Symbol('WARNING_THRESHOLD');
