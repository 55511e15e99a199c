import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { PasswordService } from '../auth/password.service.js';
import { RevocationModule } from '../auth/revocation.module.js';
import { UserEntity } from './user.entity.js';
import { UsersController } from './users.controller.js';
import { UsersImportController } from './users-import.controller.js';
import { UsersImportService } from './users-import.service.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity]), AuditModule, RevocationModule],
  controllers: [UsersController, UsersImportController],
  providers: [UsersService, PasswordService, UsersImportService],
  exports: [UsersService, PasswordService],
})
export class UsersModule {}
