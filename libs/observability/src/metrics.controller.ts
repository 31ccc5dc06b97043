import { Controller, Get, Headers, Inject, Res, UnauthorizedException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { OBSERVABILITY_SETTINGS, type ObservabilitySettings } from './observability.settings.js';
import { mayScrape, scrapeMetrics } from './scrape.js';

/**
 * Prometheus scrape endpoint. Without LEDGERLINE_METRICS_TOKEN it is open (keep it on a private
 * network); with it, scrapers must send `Authorization: Bearer <token>`. Metrics carry no tenant,
 * user, token or secret.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(OBSERVABILITY_SETTINGS) private readonly settings: ObservabilitySettings) {}

  @Get()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() response: Response): Promise<void> {
    if (!mayScrape(authorization, this.settings.metricsToken)) {
      throw new UnauthorizedException({ error: { code: 'metrics.unauthorized', message: 'metrics need the scrape token' } });
    }
    const { contentType, body } = await scrapeMetrics();
    response.status(200).set({ 'Content-Type': contentType, 'Cache-Control': 'no-store' }).send(body);
  }
}
