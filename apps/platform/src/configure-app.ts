import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { PRODUCT } from '#core';
import { httpTracing } from '#observability/nest';
import type { AuthorizationServer } from '#identity/nest';
import { CONSOLE_PATH } from '#console';
import { type ConsoleRoutes } from '#console/nest';
import { OPTIONAL_AUTHORIZATION_SERVER, OPTIONAL_CONSOLE } from './optional-authorization-server.js';
import { DomainErrorFilter } from './http/domain-error.filter.js';
import { HttpErrorFilter } from './http/http-error.filter.js';
import { JsonDepthPipe } from './http/json-depth.pipe.js';
import { documentRefusals } from './http/openapi-refusals.js';
import { UnexpectedErrorFilter } from './http/unexpected-error.filter.js';

/** What every start of the platform app needs besides its modules: request spans, pipes, filters, OpenAPI at /docs. */
export function configureApp(app: INestApplication): void {
  // Ahead of Nest's body parsers and middleware (added at init), so all of a request runs in its span.
  app.use(httpTracing());
  // The authorization server reads its own request bodies: it goes ahead of Nest's parsers too.
  authorizationServerOf(app)?.mount(app.getHttpAdapter().getInstance());
  // The console parses its own forms too; people sign in to it through the server above.
  const consoleRoutes = app.get<ConsoleRoutes | null>(OPTIONAL_CONSOLE, { strict: false });
  if (consoleRoutes) app.use(CONSOLE_PATH, consoleRoutes.router);
  app.useGlobalPipes(new JsonDepthPipe(), new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  // Asked last to first: the catch-all comes first so that it is asked last.
  app.useGlobalFilters(new UnexpectedErrorFilter(app.getHttpAdapter()), new HttpErrorFilter(app.getHttpAdapter()), new DomainErrorFilter());
  const document = documentRefusals(SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Ledgerline admin API')
      .setDescription('Admin REST API of Ledgerline. Agents use the MCP endpoint at /mcp instead.')
      .setVersion(PRODUCT.version)
      .addBearerAuth()
      .build(),
  ));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
}

function authorizationServerOf(app: INestApplication): AuthorizationServer | undefined {
  // A provider that is always there (undefined when the server is off): asking Nest for a missing one aborts the start.
  return app.get<AuthorizationServer | undefined>(OPTIONAL_AUTHORIZATION_SERVER, { strict: false }) ?? undefined;
}
