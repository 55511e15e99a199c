/** Every IANA time zone the browser knows, for the time-zone fields' suggestions. */
export const TIME_ZONES: readonly string[] =
  typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
