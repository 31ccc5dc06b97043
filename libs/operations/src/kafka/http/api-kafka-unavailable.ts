import { ApiServiceUnavailableResponse } from '@nestjs/swagger';

/** The 503 of an endpoint that asks Kafka. */
export function ApiKafkaUnavailable(): MethodDecorator & ClassDecorator {
  return ApiServiceUnavailableResponse({ description: 'Kafka does not answer (operations.kafka.unavailable); Retry-After says when to try again' });
}
