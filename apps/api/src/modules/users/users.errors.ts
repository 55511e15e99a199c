import { defineErrors } from '../../common/app-error.js';

export const UserErrors = defineErrors({
  notFound: { code: 'users/not-found', status: 404, message: 'User not found.' },
  emailTaken: { code: 'users/email-taken', status: 409, message: 'A user with this email already exists.' },
  studentNumberTaken: {
    code: 'users/student-number-taken',
    status: 409,
    message: 'Another user has this student number.',
  },
  lastAdmin: {
    code: 'users/last-admin',
    status: 409,
    message: 'This is the last active admin: create or activate another admin first.',
  },
  hasHistory: {
    code: 'users/has-history',
    status: 409,
    details: '{attendanceRecords, justifications, taughtSessions} — what deleting would erase',
    message:
      "This user has attendance history: deleting would change the school's records. Deactivate the account instead (PATCH active=false), or delete with ?anonymize=true to keep the records under an anonymous name.",
  },
  selfDelete: { code: 'users/self-delete', status: 409, message: 'You cannot delete your own account.' },
  wrongPassword: { code: 'users/wrong-password', status: 400, message: 'Your current password is not correct.' },
  samePassword: {
    code: 'users/same-password',
    status: 400,
    message: 'Choose a password different from the current one.',
  },
});
