import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClassSessionEntity } from '../sessions/class-session.entity.js';
import { CalendarFeedEntity } from './calendar-feed.entity.js';
import { CalendarController } from './calendar.controller.js';
import { CalendarService } from './calendar.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([CalendarFeedEntity, ClassSessionEntity])],
  controllers: [CalendarController],
  providers: [CalendarService],
})
export class CalendarModule {}
