import { defineErrors } from '../../common/app-error.js';

export const ReportErrors = defineErrors({
  studentNotEnrolled: {
    code: 'reports/student-not-enrolled',
    status: 404,
    message: 'This student is not enrolled in the course.',
  },
  badRange: { code: 'reports/bad-range', status: 400, message: '"from" must not be after "to".' },
});
