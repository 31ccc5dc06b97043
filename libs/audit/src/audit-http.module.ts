import { Module } from '@nestjs/common';
import { AuditController } from './http/audit.controller.js';

/** The audit trail's admin REST, apart from the trail itself: processes without an API (workers) leave it out. */
@Module({ controllers: [AuditController] })
export class AuditHttpModule {}
