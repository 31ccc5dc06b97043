import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { jsonDepthExceeds, MAX_REQUEST_JSON_DEPTH, ValidationError } from '#core';

/**
 * Refuses a request body nested deeper than MAX_REQUEST_JSON_DEPTH before the ValidationPipe
 * sees it: class-transformer copies bodies recursively and overflows its stack on a few thousand
 * levels, which answered 500 instead of a typed 400.
 */
@Injectable()
export class JsonDepthPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'body' && jsonDepthExceeds(value, MAX_REQUEST_JSON_DEPTH)) {
      throw new ValidationError('request.too_deep', `the request body nests more than ${MAX_REQUEST_JSON_DEPTH} levels deep`, { maxDepth: MAX_REQUEST_JSON_DEPTH });
    }
    return value;
  }
}
