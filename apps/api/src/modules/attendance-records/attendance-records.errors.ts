import { defineErrors } from '../../common/app-error.js';

export const AttendanceRecordsErrors = defineErrors({
  cursorInvalid: {
    code: 'attendance-records/cursor-invalid',
    status: 400,
    message: 'The cursor is not one this API returned. Start again without it (or with updatedSince).',
  },
});
