import { defineErrors } from '../../common/app-error.js';

export const UsersImportErrors = defineErrors({
  noFile: {
    code: 'users-import/no-file',
    status: 400,
    message: 'Send the CSV as text/csv, or as multipart/form-data with the file in the "file" field.',
  },
  badHeader: {
    code: 'users-import/bad-header',
    status: 400,
    details: '{missing: string[], unknown: string[], duplicate: string[]} — header columns',
    message: 'The first line must be the header: email, full name, role, student number (and optionally courses).',
  },
  notCsv: { code: 'users-import/not-csv', status: 400, message: 'The file is not valid CSV.' },
  empty: { code: 'users-import/empty', status: 400, message: 'The file has a header but no rows.' },
  tooLarge: { code: 'users-import/too-large', status: 413, message: 'The file is larger than 2 MB.' },
  tooManyRows: {
    code: 'users-import/too-many-rows',
    status: 400,
    message: 'The file has more than 5000 rows: split it.',
  },
  invalidRows: {
    code: 'users-import/invalid-rows',
    status: 400,
    details: 'the import report (UsersImportReportDto), every row with its errors',
    message: 'Some rows are invalid: nothing was imported (details lists each error).',
  },
  conflict: {
    code: 'users-import/conflict',
    status: 409,
    message: 'Some of these users were created meanwhile: nothing was imported. Run the preview again.',
  },
});
