import type { ConsoleSection } from '../pages/page.js';
import { approvalsSection } from './approvals.section.js';
import { complianceSection } from './compliance.section.js';
import { delegationsSection } from './delegations.section.js';
import { runsSection } from './runs.section.js';

/** The console's pages, in navigation order. */
export const CONSOLE_SECTIONS: readonly ConsoleSection[] = [approvalsSection, runsSection, delegationsSection, complianceSection];
