import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Authenticated } from '#auth/nest';
import { PLATFORM_ADMIN_SCOPE } from '#tenants';

/** An operations controller: platform administrators only (the scope platform:admin), documented alike. */
export function PlatformAdminOnly(): ClassDecorator {
  return applyDecorators(
    ApiTags('operations'),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'no or invalid bearer token' }),
    ApiForbiddenResponse({ description: `the token lacks the scope ${PLATFORM_ADMIN_SCOPE}, or its own tenant is suspended (tenant.suspended)` }),
    Authenticated(PLATFORM_ADMIN_SCOPE),
  );
}
