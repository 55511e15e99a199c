import { defineErrors } from '../../common/app-error.js';

export const CalendarErrors = defineErrors({
  feedNotFound: {
    code: 'calendar/feed-not-found',
    status: 404,
    message: 'This calendar feed does not exist or was replaced by a new link.',
  },
});
