import { Module } from '@nestjs/common';
import { JustificationFilingService } from './justification-filing.service.js';
import { JustificationReviewService } from './justification-review.service.js';
import { JustificationsController } from './justifications.controller.js';
import { JustificationsService } from './justifications.service.js';

@Module({
  controllers: [JustificationsController],
  providers: [JustificationsService, JustificationFilingService, JustificationReviewService],
  exports: [JustificationsService],
})
export class JustificationsModule {}
