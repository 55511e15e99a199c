import { defineErrors } from '../../common/app-error.js';

export const MoodleImportErrors = defineErrors({
  noFile: {
    code: 'moodle-import/no-file',
    status: 400,
    message: 'Send the export as multipart/form-data with the file in the "file" field.',
  },
  tooLarge: { code: 'moodle-import/too-large', status: 413, message: 'The file is larger than 2 MB.' },
  notExport: {
    code: 'moodle-import/not-an-export',
    status: 400,
    message: "The file is not Moodle attendance's export (text format or Excel).",
  },
  tooMany: {
    code: 'moodle-import/too-many',
    status: 400,
    message: 'The file has more than 5000 students, 400 sessions or 50000 statuses: split it.',
  },
  invalidMapping: {
    code: 'moodle-import/invalid-mapping',
    status: 400,
    message:
      'mapping must be pairs like P=present,L=late,E=excused,A=absent (statuses: present, late, excused, absent).',
  },
  invalidTimezone: {
    code: 'moodle-import/invalid-timezone',
    status: 400,
    message: 'timezone must be an IANA time zone such as Europe/Lisbon.',
  },
  invalidRows: {
    code: 'moodle-import/invalid-rows',
    status: 400,
    details: 'the import report (MoodleImportReportDto), every problem of every row and session',
    message: 'The file has problems: nothing was imported (details lists each one).',
  },
  conflict: {
    code: 'moodle-import/conflict',
    status: 409,
    message: 'Sessions at these times were added to the course meanwhile: nothing was imported. Run the preview again.',
  },
});
