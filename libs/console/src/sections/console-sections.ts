import type { ConsoleSection } from '../pages/page.js';
import { approvalsSection } from './approvals.section.js';
import { auditSection } from './audit.section.js';
import { automationsSection } from './automations.section.js';
import { complianceSection } from './compliance.section.js';
import { confirmationsSection } from './confirmations.section.js';
import { connectorsSection } from './connectors.section.js';
import { delegationsSection } from './delegations.section.js';
import { operationsSection } from './operations.section.js';
import { policiesSection } from './policies.section.js';
import { runsSection } from './runs.section.js';

/** The console's pages, in navigation order; the confirmation page is reached by its link only. */
export const CONSOLE_SECTIONS: readonly ConsoleSection[] = [approvalsSection, runsSection, automationsSection, policiesSection, connectorsSection, auditSection, delegationsSection, complianceSection, operationsSection, confirmationsSection];
