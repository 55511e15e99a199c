import { defineErrors } from '../../common/app-error.js';

export const HolidayErrors = defineErrors({
  notFound: { code: 'holidays/not-found', status: 404, message: 'This holiday does not exist.' },
  duplicateDate: {
    code: 'holidays/duplicate-date',
    status: 409,
    message: 'This date is already a holiday.',
  },
});
