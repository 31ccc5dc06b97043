import { Inject, Injectable } from '@nestjs/common';
import { VIEW_DB, type Projector, type ViewDb } from '#projections';
import { ProjectorRegistry } from '#projections/nest';
import { AutomationCatalog } from '../../automation/automation-catalog.js';
import { AutomationNotFoundError, InvalidAutomationNameError, NoShadowVersionError } from '../../automation/automation.errors.js';
import { AUTOMATION_NAME_PATTERN } from '../../definition/index.js';
import { SHADOW_REPORT_CLASSES_TABLE, SHADOW_REPORT_PATHS_TABLE, SHADOW_REPORTS_TABLE, shadowReportsProjection } from '../projections/shadow-reports.projection.js';
import { unmetCriteria, type CriteriaFigures, type SuccessCriteria, type UnmetCriterion } from '../success-criteria.js';

/** The most frequent differing paths a report lists. */
const TOP_PATHS = 20;

export interface ShadowReport {
  automation: string;
  liveVersion: number;
  shadowVersion: number;
  successCriteria: SuccessCriteria;
  runs: number;
  identicalRequestRuns: number;
  /** identicalRequestRuns / runs; 0 while no run was compared. */
  identicalRequestRate: number;
  sameSequenceRuns: number;
  sameOutcomeRuns: number;
  failureClasses: { live: Array<{ failureClass: string; runs: number }>; shadow: Array<{ failureClass: string; runs: number }> };
  /** Failure classes of the shadow that no live run compared showed. */
  newFailureClasses: string[];
  /** Field paths of requests that differed (never values), most frequent first; `only_live`/`only_shadow` for a call one side did not make. */
  differingPaths: Array<{ stepId: string; path: string; runs: number }>;
  meanDurationMs: { live: number | null; shadow: number | null };
  criteriaMet: boolean;
  unmet: UnmetCriterion[];
}

interface TotalsRow {
  runs: number | string;
  identical_runs: number | string;
  same_sequence_runs: number | string;
  same_outcome_runs: number | string;
  live_ms_sum: number | string;
  shadow_ms_sum: number | string;
}

/** A shadow version's report from the shadow_reports view, with its criteria checked (what automation_promote goes by). */
@Injectable()
export class ShadowReports {
  private readonly projector: Projector;

  constructor(
    registry: ProjectorRegistry,
    @Inject(VIEW_DB) private readonly db: ViewDb,
    private readonly catalog: AutomationCatalog,
  ) {
    this.projector = registry.register(shadowReportsProjection);
  }

  /** @throws InvalidAutomationNameError, AutomationNotFoundError (another tenant's too), NoShadowVersionError */
  async current(tenantId: string, name: string): Promise<ShadowReport> {
    if (!AUTOMATION_NAME_PATTERN.test(name)) throw new InvalidAutomationNameError(name);
    const automation = await this.catalog.liveOf(tenantId, name);
    if (!automation) throw new AutomationNotFoundError(name);
    if (!automation.shadow) throw new NoShadowVersionError(name);
    return this.of(tenantId, name, automation.version, automation.shadow.version, automation.shadow.criteria);
  }

  async of(tenantId: string, name: string, liveVersion: number, shadowVersion: number, successCriteria: SuccessCriteria): Promise<ShadowReport> {
    await this.projector.caughtUpWith(tenantId);
    const sql = this.db.forTenant(tenantId);
    const key = [tenantId, name, shadowVersion];
    const where = 'WHERE tenant_id = ? AND automation = ? AND version = ?';
    const [totals] = await sql.all<TotalsRow>(`SELECT runs, identical_runs, same_sequence_runs, same_outcome_runs, live_ms_sum, shadow_ms_sum FROM ${SHADOW_REPORTS_TABLE} ${where}`, key);
    const classes = await sql.all<{ side: string; failure_class: string; runs: number | string }>(`SELECT side, failure_class, runs FROM ${SHADOW_REPORT_CLASSES_TABLE} ${where} ORDER BY runs DESC, failure_class`, key);
    const paths = await sql.all<{ step_id: string; path: string; runs: number | string }>(
      `SELECT step_id, path, runs FROM ${SHADOW_REPORT_PATHS_TABLE} ${where} ORDER BY runs DESC, step_id, path LIMIT ${TOP_PATHS}`, key,
    );
    const runs = Number(totals?.runs ?? 0);
    const identicalRequestRuns = Number(totals?.identical_runs ?? 0);
    const side = (which: string) => classes.filter((row) => row.side === which).map((row) => ({ failureClass: row.failure_class, runs: Number(row.runs) }));
    const live = side('live');
    const shadow = side('shadow');
    const liveClasses = new Set(live.map((row) => row.failureClass));
    const figures: CriteriaFigures = {
      runs, identicalRequestRate: runs === 0 ? 0 : identicalRequestRuns / runs,
      newFailureClasses: shadow.map((row) => row.failureClass).filter((failureClass) => !liveClasses.has(failureClass)).sort(),
    };
    const unmet = unmetCriteria(successCriteria, figures);
    return {
      automation: name, liveVersion, shadowVersion, successCriteria, runs, identicalRequestRuns, identicalRequestRate: figures.identicalRequestRate,
      sameSequenceRuns: Number(totals?.same_sequence_runs ?? 0), sameOutcomeRuns: Number(totals?.same_outcome_runs ?? 0),
      failureClasses: { live, shadow }, newFailureClasses: figures.newFailureClasses,
      differingPaths: paths.map((row) => ({ stepId: row.step_id, path: row.path, runs: Number(row.runs) })),
      meanDurationMs: { live: runs === 0 ? null : Math.round(Number(totals!.live_ms_sum) / runs), shadow: runs === 0 ? null : Math.round(Number(totals!.shadow_ms_sum) / runs) },
      criteriaMet: unmet.length === 0, unmet,
    };
  }
}

/** The figures a report's criteria were checked on, as AutomationPromoted records them. */
export function figuresOf(report: ShadowReport): CriteriaFigures {
  return { runs: report.runs, identicalRequestRate: report.identicalRequestRate, newFailureClasses: report.newFailureClasses };
}
