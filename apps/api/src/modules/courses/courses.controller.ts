import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UserRole } from '@sysponto/contracts';
import { ApiAuth } from '../../common/api-errors.decorator.js';
import type { AuthUser } from '../../common/auth-user.js';
import { CurrentUser, Roles } from '../../common/decorators.js';
import { ParseId } from '../../common/uuid.pipe.js';
import {
  CourseDto,
  CoursePageDto,
  CreateCourseDto,
  DeleteCourseQueryDto,
  JoinCodeStateDto,
  JoinCourseDto,
  JoinResultDto,
  ListCoursesQueryDto,
  UpdateCourseDto,
} from './courses.dto.js';
import { CoursesService } from './courses.service.js';
import { EnrollmentsService } from './enrollments.service.js';

@ApiTags('courses')
@Controller('courses')
export class CoursesController {
  constructor(
    private readonly courses: CoursesService,
    private readonly enrollments: EnrollmentsService,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'List courses: admins all, teachers the ones they teach, students the ones they are enrolled in. Search by code or name; sorted by code; paged.',
  })
  @ApiOkResponse({ type: CoursePageDto })
  @ApiAuth(400)
  listCourses(@CurrentUser() user: AuthUser, @Query() query: ListCoursesQueryDto): Promise<CoursePageDto> {
    return this.courses.list(user, query);
  }

  @Post()
  @Roles(UserRole.Admin)
  @ApiOperation({
    summary: 'Create a course (admin).',
    description:
      'The code is upper-cased and unique (409 `courses/code-taken`); the time zone must be an IANA zone (400 `courses/invalid-timezone`); teacherIds must be teachers (400 `courses/not-teachers`). A random join code is generated and enabled.',
  })
  @ApiCreatedResponse({ type: CourseDto })
  @ApiAuth(400, 409)
  createCourse(@Body() body: CreateCourseDto): Promise<CourseDto> {
    return this.courses.create(body);
  }

  @Post('join')
  @HttpCode(200)
  @Roles(UserRole.Student)
  @ApiOperation({
    summary: 'Join a course with its join code (students). Idempotent.',
    description: `A wrong or disabled code answers one generic 404 \`courses/join-code-invalid\`. After 10 wrong codes in 15 minutes a student gets 429 \`courses/join-rate-limited\` with Retry-After.`,
  })
  @ApiOkResponse({ type: JoinResultDto })
  @ApiAuth(400, 404, 429)
  joinCourse(@CurrentUser() user: AuthUser, @Body() body: JoinCourseDto): Promise<JoinResultDto> {
    return this.enrollments.join(user, body.joinCode);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Get a course (its teachers, enrolled students and admins). The join code is shown to staff only.',
  })
  @ApiOkResponse({ type: CourseDto })
  @ApiAuth(400, 404)
  getCourse(@CurrentUser() user: AuthUser, @Param('id', ParseId) id: string): Promise<CourseDto> {
    return this.courses.get(user, id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Edit a course.',
    description:
      'Teachers of the course: name, description, timezone, policy. Admins also: code and teacherIds (replaces the set of teachers; this is how teachers are assigned). Others: 403 `courses/admin-only-fields`.',
  })
  @ApiOkResponse({ type: CourseDto })
  @ApiAuth(400, 404, 409)
  updateCourse(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseId) id: string,
    @Body() body: UpdateCourseDto,
  ): Promise<CourseDto> {
    return this.courses.update(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles(UserRole.Admin)
  @ApiOperation({
    summary: 'Delete a course with its sessions and enrollments (admin).',
    description:
      'Refused with 409 `courses/has-attendance` while attendance records or justifications exist, unless force=true.',
  })
  @ApiNoContentResponse()
  @ApiAuth(400, 404, 409)
  deleteCourse(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseId) id: string,
    @Query() query: DeleteCourseQueryDto,
  ): Promise<void> {
    return this.courses.remove(user, id, query.force ?? false);
  }

  @Post(':id/join-code')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Replace the join code with a new random one and enable it (teachers of the course, admins). The old code stops working.',
  })
  @ApiOkResponse({ type: CourseDto })
  @ApiAuth(400, 404)
  regenerateJoinCode(@CurrentUser() user: AuthUser, @Param('id', ParseId) id: string): Promise<CourseDto> {
    return this.courses.regenerateJoinCode(user, id);
  }

  @Patch(':id/join-code')
  @ApiOperation({
    summary: 'Enable or disable the join code (teachers of the course, admins). Disabling keeps the code.',
  })
  @ApiOkResponse({ type: CourseDto })
  @ApiAuth(400, 404)
  setJoinCodeEnabled(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseId) id: string,
    @Body() body: JoinCodeStateDto,
  ): Promise<CourseDto> {
    return this.courses.setJoinCodeEnabled(user, id, body.enabled);
  }
}
