import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { DomainErrorFilter } from './http/domain-error.filter.js';
import { HttpErrorFilter } from './http/http-error.filter.js';
import { documentRefusals } from './http/openapi-refusals.js';

/** What every start of the platform app needs besides its modules: pipes, filters, OpenAPI at /docs. */
export function configureApp(app: INestApplication): void {
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.useGlobalFilters(new HttpErrorFilter(app.getHttpAdapter()), new DomainErrorFilter());
  const document = documentRefusals(SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Ledgerline admin API')
      .setDescription('Admin REST API of Ledgerline. Agents use the MCP endpoint at /mcp instead.')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  ));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
}
