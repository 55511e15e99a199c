import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsISO8601, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { DATE } from './sessions.dto.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class HolidayDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  /** The local date in each course's time zone. */
  @ApiProperty({ format: 'date', example: '2026-12-08' }) date: string;
  @ApiProperty({ example: 'Imaculada Conceição' }) name: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class HolidayListDto {
  /** By date. */
  @ApiProperty({ type: [HolidayDto] }) items: HolidayDto[];
}

export class CreateHolidayDto {
  @ApiProperty({ format: 'date', example: '2026-12-08' })
  @IsString()
  @Matches(DATE, { message: 'date must be YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'date must be a valid date' })
  date: string;

  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Imaculada Conceição' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;
}

/** A session planned on a holiday's date: the admin may cancel it. */
export class HolidaySessionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty() courseCode: string;
  @ApiProperty({ type: String, nullable: true }) title: string | null;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time' }) endsAt: string;
  @ApiProperty({ example: 'Europe/Lisbon' }) timezone: string;
}

export class CreatedHolidayDto extends HolidayDto {
  /**
   * Sessions already planned on this date (neither closed nor cancelled): new series skip the date, these stay until
   * cancelled with `POST /api/holidays/:id/cancel-sessions`.
   */
  @ApiProperty({ type: [HolidaySessionDto] }) sessionsOnDate: HolidaySessionDto[];
}

export class HolidaySessionsDto {
  @ApiProperty({ type: [HolidaySessionDto] }) items: HolidaySessionDto[];
}

export class CancelledOnHolidayDto {
  /** How many sessions were cancelled (their students were notified). */
  @ApiProperty() cancelled: number;
}
