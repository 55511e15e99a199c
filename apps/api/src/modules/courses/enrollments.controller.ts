import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../../common/api-errors.decorator.js';
import type { AuthUser } from '../../common/auth-user.js';
import { CurrentUser } from '../../common/decorators.js';
import { ParseId } from '../../common/uuid.pipe.js';
import { EnrollmentPageDto, EnrollResultDto, EnrollStudentsDto, ListEnrollmentsQueryDto } from './enrollments.dto.js';
import { EnrollmentsService } from './enrollments.service.js';

@ApiTags('courses')
@Controller('courses/:id/enrollments')
export class EnrollmentsController {
  constructor(private readonly enrollments: EnrollmentsService) {}

  @Get()
  @ApiOperation({
    summary:
      'Students enrolled in a course (teachers of the course, admins). Search by name, email or student number; sorted by name; paged.',
  })
  @ApiOkResponse({ type: EnrollmentPageDto })
  @ApiAuth(400, 404)
  listEnrollments(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseId) id: string,
    @Query() query: ListEnrollmentsQueryDto,
  ): Promise<EnrollmentPageDto> {
    return this.enrollments.list(user, id, query);
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Enroll students (teachers of the course, admins).',
    description:
      'All or nothing: if any id is not a student, nothing is enrolled and the answer is 400 `courses/not-students` with details.ids. Already enrolled students are not an error (listed in alreadyEnrolled). ' +
      'A student is expected only at sessions that start while enrolled (from `enrolledAt`, default now); a student who left is enrolled again with a new enrollment.',
  })
  @ApiOkResponse({ type: EnrollResultDto })
  @ApiAuth(400, 404)
  enrollStudents(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseId) id: string,
    @Body() body: EnrollStudentsDto,
  ): Promise<EnrollResultDto> {
    return this.enrollments.enroll(user, id, body.studentIds, body.enrolledAt);
  }

  @Delete(':studentId')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Unenroll a student (teachers of the course, admins): ends the enrollment.',
    description:
      "The enrollment is kept with `endedAt`: the student's records and their figures from while enrolled stay in the reports; sessions that start later no longer expect them. 404 `courses/not-enrolled` when not enrolled now.",
  })
  @ApiNoContentResponse()
  @ApiAuth(400, 404)
  unenrollStudent(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseId) id: string,
    @Param('studentId', ParseId) studentId: string,
  ): Promise<void> {
    return this.enrollments.remove(user, id, studentId);
  }
}
