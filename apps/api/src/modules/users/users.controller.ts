import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiCreatedResponse, ApiNoContentResponse } from '@nestjs/swagger';
import { UserRole } from '@sysponto/contracts';
import { ApiAuth } from '../../common/api-errors.decorator.js';
import type { AuthUser } from '../../common/auth-user.js';
import { CurrentUser, Roles } from '../../common/decorators.js';
import { ParseId } from '../../common/uuid.pipe.js';
import {
  CreatedUserDto,
  CreateUserDto,
  DeleteUserQueryDto,
  ListUsersQueryDto,
  UpdateUserDto,
  UserDto,
  UserPageDto,
} from './users.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@Roles(UserRole.Admin)
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({
    summary:
      'List users (admin): search by email, name or student number; filter by role and active; paged, sorted by name.',
  })
  @ApiOkResponse({ type: UserPageDto })
  @ApiAuth(400)
  listUsers(@Query() query: ListUsersQueryDto): Promise<UserPageDto> {
    return this.users.list(query);
  }

  @Post()
  @ApiOperation({
    summary:
      'Create a user (admin). Without a password, a temporary one is returned once and must be changed at first login.',
  })
  @ApiCreatedResponse({ type: CreatedUserDto })
  @ApiAuth(400, 409)
  createUser(@Body() body: CreateUserDto): Promise<CreatedUserDto> {
    return this.users.create(body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a user (admin).' })
  @ApiOkResponse({ type: UserDto })
  @ApiAuth(400, 404)
  getUser(@Param('id', ParseId) id: string): Promise<UserDto> {
    return this.users.get(id);
  }

  @Patch(':id')
  @ApiOperation({
    summary:
      'Edit, deactivate (active=false) or reset the password of a user (admin). The last active admin cannot be demoted or deactivated.',
  })
  @ApiOkResponse({ type: UserDto })
  @ApiAuth(400, 404, 409)
  updateUser(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseId) id: string,
    @Body() body: UpdateUserDto,
  ): Promise<UserDto> {
    return this.users.update(actor.id, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a user (admin). Not yourself, not the last active admin.',
    description:
      'A user with attendance records, justifications or taught sessions is refused with 409 `users/has-history` (details count them): ' +
      "deactivate them instead (PATCH active=false), or send `anonymize=true`: the records stay under the name 'Anonymized user …', " +
      'the email, name and student number are scrubbed, every sign-in is revoked and the account cannot sign in again (audited `user.anonymized`).',
  })
  @ApiNoContentResponse()
  @ApiAuth(400, 404, 409)
  deleteUser(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseId) id: string,
    @Query() query: DeleteUserQueryDto,
  ): Promise<void> {
    return this.users.remove(actor.id, id, query.anonymize ?? false);
  }
}
