import { redactUrl } from './log-redaction.js';

describe('request log redaction', () => {
  it('hides calendar feed tokens and leaves other URLs alone', () => {
    expect(redactUrl('/api/calendar/abcDEF123_-x.ics')).toBe('/api/calendar/[redacted]');
    expect(redactUrl('/api/calendar/abc.ics?x=1')).toBe('/api/calendar/[redacted]?x=1');
    expect(redactUrl('/api/courses/1?search=a')).toBe('/api/courses/1?search=a');
  });
});
