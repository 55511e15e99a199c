import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PasswordService } from '../auth/password.service.js';
import { UserEntity } from './user.entity.js';
import { UsersController } from './users.controller.js';
import { UsersImportController } from './users-import.controller.js';
import { UsersImportService } from './users-import.service.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity])],
  controllers: [UsersController, UsersImportController],
  providers: [UsersService, PasswordService, UsersImportService],
  exports: [UsersService, PasswordService],
})
export class UsersModule {}
