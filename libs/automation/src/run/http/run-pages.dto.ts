import { ApiProperty } from '@nestjs/swagger';
import { RUN_STATUSES, type RunStatus } from '../run.state.js';

export class RunSummaryDto {
  @ApiProperty() runId!: string;
  @ApiProperty() automation!: string;
  @ApiProperty({ type: 'integer', description: "the automation's version the run started with" }) version!: number;
  @ApiProperty({ enum: RUN_STATUSES }) status!: RunStatus;
  @ApiProperty() startedBy!: string;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ nullable: true, type: String }) currentStep!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'the message of the last failed attempt' }) lastError!: string | null;
}

export class RunListDto {
  @ApiProperty({ type: [RunSummaryDto] }) runs!: RunSummaryDto[];
  @ApiProperty({ nullable: true, type: String, description: 'opaque; null on the last page' }) nextCursor!: string | null;
}
