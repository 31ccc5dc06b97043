import { Allow, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { z } from 'zod';
import { MEMORY_KEY, MEMORY_NAMESPACE } from '../memory.limits.js';

/** The argument schemas shared by the memory tools (zod for MCP, class-validator DTOs for the command edge). */
export const memoryScopeArg = z.enum(['user', 'tenant']).default('user')
  .describe('user: private to the calling user; tenant: shared by the tenant (needs scope memory:tenant)');
export const memoryNamespaceArg = z.string().regex(MEMORY_NAMESPACE).default('default')
  .describe('namespace: 1-64 of a-z 0-9 . _ -');
export const memoryKeyArg = z.string().regex(MEMORY_KEY).describe('key: 1-200 of A-Z a-z 0-9 . _ : / @ -');

export class MemoryLocationDto {
  @IsIn(['user', 'tenant']) scope!: string;
  @Matches(MEMORY_NAMESPACE) namespace!: string;
}

export class MemoryItemDto extends MemoryLocationDto {
  @IsString() @Matches(MEMORY_KEY) key!: string;
}

export class PutMemoryDto extends MemoryItemDto {
  @Allow() value!: unknown;
}

export class ListMemoryDto extends MemoryLocationDto {
  @IsString() prefix!: string;
  @IsInt() @Min(1) @Max(500) limit!: number;
  @IsOptional() @Matches(MEMORY_KEY) cursor?: string;
}
