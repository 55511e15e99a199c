import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UserRole } from '@sysponto/contracts';
import { ApiAuth } from '../../common/api-errors.decorator.js';
import type { AuthUser } from '../../common/auth-user.js';
import { CurrentUser, Roles } from '../../common/decorators.js';
import { ParseId } from '../../common/uuid.pipe.js';
import {
  CancelledOnHolidayDto,
  CreatedHolidayDto,
  CreateHolidayDto,
  HolidayListDto,
  HolidaySessionsDto,
} from './holidays.dto.js';
import { HolidaysService } from './holidays.service.js';

@ApiTags('holidays')
@Controller('holidays')
export class HolidaysController {
  constructor(private readonly holidays: HolidaysService) {}

  @Get()
  @ApiOperation({
    summary: "The school calendar's holidays, by date (every signed-in user: the series form and calendars show them).",
  })
  @ApiOkResponse({ type: HolidayListDto })
  @ApiAuth()
  listHolidays(): Promise<HolidayListDto> {
    return this.holidays.list();
  }

  @Post()
  @Roles(UserRole.Admin)
  @ApiOperation({
    summary: 'Add a holiday (admin): every new weekly series skips its date (in each course time zone).',
    description:
      'Audited. The answer lists `sessionsOnDate`, the sessions already planned that day (neither closed nor cancelled); ' +
      'cancel them with `POST /api/holidays/:id/cancel-sessions`. 409 `holidays/duplicate-date` when the date is already a holiday.',
  })
  @ApiCreatedResponse({ type: CreatedHolidayDto })
  @ApiAuth(400, 409)
  createHoliday(@CurrentUser() user: AuthUser, @Body() body: CreateHolidayDto): Promise<CreatedHolidayDto> {
    return this.holidays.create(user, body);
  }

  @Delete(':id')
  @Roles(UserRole.Admin)
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a holiday (admin, audited). Sessions cancelled for it stay cancelled.' })
  @ApiNoContentResponse()
  @ApiAuth(400, 404)
  async deleteHoliday(@Param('id', ParseId) id: string): Promise<void> {
    await this.holidays.remove(id);
  }

  @Get(':id/sessions')
  @Roles(UserRole.Admin)
  @ApiOperation({ summary: "The sessions still planned on a holiday's date (neither closed nor cancelled)." })
  @ApiOkResponse({ type: HolidaySessionsDto })
  @ApiAuth(400, 404)
  async listHolidaySessions(@Param('id', ParseId) id: string): Promise<HolidaySessionsDto> {
    return { items: await this.holidays.sessionsOn(id) };
  }

  @Post(':id/cancel-sessions')
  @Roles(UserRole.Admin)
  @HttpCode(200)
  @ApiOperation({
    summary: "Cancel every session still planned on a holiday's date (admin), the holiday's name as the reason.",
    description:
      'The usual cancel path: state `cancelled`, codes revoked, audited `session.cancelled`, each enrolled student notified ' +
      '(`session.cancelled` live). Closed sessions are left alone.',
  })
  @ApiOkResponse({ type: CancelledOnHolidayDto })
  @ApiAuth(400, 404)
  cancelHolidaySessions(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseId) id: string,
  ): Promise<CancelledOnHolidayDto> {
    return this.holidays.cancelSessions(user, id);
  }
}
