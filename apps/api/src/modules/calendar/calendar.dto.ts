import { ApiProperty } from '@nestjs/swagger';

export class CalendarFeedDto {
  /**
   * The private iCalendar (.ics) URL of my sessions, to subscribe to in a calendar app. Anyone with the URL can read
   * the feed: keep it private, regenerate it if it leaks.
   */
  @ApiProperty({ format: 'uri', example: 'https://sysponto.example/api/calendar/3kq…Zx.ics' })
  url: string;

  /** When this URL was issued (a regeneration issues a new one). */
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}
