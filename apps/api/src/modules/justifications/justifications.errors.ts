import { defineErrors } from '../../common/app-error.js';

export const JustificationErrors = defineErrors({
  notFound: { code: 'justifications/not-found', status: 404, message: 'Justification not found.' },
  documentNotFound: {
    code: 'justifications/document-not-found',
    status: 404,
    message: 'This justification has no document.',
  },
  alreadyExists: {
    code: 'justifications/already-exists',
    status: 409,
    message: 'You already justified this session. Withdraw it first to file a new one.',
  },
  tooEarly: {
    code: 'justifications/too-early',
    status: 409,
    message:
      'This session has not started yet: a late arrival can be justified once it has (an absence can be reported in advance).',
  },
  windowClosed: {
    code: 'justifications/window-closed',
    status: 409,
    message: 'The time to justify this session is over.',
  },
  notExpected: {
    code: 'justifications/not-expected',
    status: 409,
    message:
      'You were not enrolled in the course when this session took place (or it was cancelled): there is nothing to justify.',
  },
  nothingToJustify: {
    code: 'justifications/nothing-to-justify',
    status: 409,
    message: 'Your attendance for this session is already present or excused.',
  },
  notPending: {
    code: 'justifications/not-pending',
    status: 409,
    message: 'This justification was already reviewed or withdrawn.',
  },
  documentTooLarge: {
    code: 'justifications/document-too-large',
    status: 413,
    message: 'The document is too large (5 MB at most).',
  },
  documentType: {
    code: 'justifications/document-type',
    status: 415,
    message: 'The document must be a PDF, PNG or JPEG file.',
  },
  documentEmpty: { code: 'justifications/document-empty', status: 400, message: 'The document is empty.' },
  badUpload: {
    code: 'justifications/bad-upload',
    status: 400,
    message: 'Send the form as multipart/form-data with at most one file, in the "document" field.',
  },
});
