import { BoundedMemo, IllegalStateError } from '#core';
import type { Projection } from '../projection.js';
import type { ViewSql } from '../view-db.port.js';

/** Live table name → the name of its shadow in one rebuild generation. */
export type ShadowNames = ReadonlyMap<string, string>;

/**
 * Each generation has its own names, so PostgreSQL's derived names (`<table>_pkey`), which stay
 * with a table when it is renamed, never clash between rebuilds.
 */
export function shadowNames(projection: Projection, generation: number): ShadowNames {
  return new Map(Object.keys(projection.tables).map((table) => [table, `${table}__r${generation}`]));
}

/**
 * The statements that make one generation's shadow: its tables, and its indexes under names of
 * their own (index names are unique in the whole database or schema, and an index keeps its name
 * when its table is renamed into place; the next reset drops it with the table).
 */
export function shadowDdl(projection: Projection, generation: number): string[] {
  const names = new Map([...shadowNames(projection, generation), ...Object.keys(projection.indexes ?? {}).map((index) => [index, `${index}__r${generation}`] as const)]);
  return [...Object.values(projection.tables), ...Object.values(projection.indexes ?? {})].map((ddl) => renameTables(ddl, names));
}

/**
 * Rewrites whole identifiers that name a live table to its shadow, longest names first. A
 * projection's SQL names its tables literally; this holds only while no column (and no word in a
 * string literal of its SQL) shares a name with one of its tables: `assertRenamable` checks the
 * columns.
 */
export function renameTables(sql: string, names: ShadowNames): string {
  const live = [...names.keys()].sort((a, b) => b.length - a.length);
  if (live.length === 0) return sql;
  const pattern = new RegExp(`\\b(${live.map(escapeRegExp).join('|')})\\b`, 'g');
  return sql.replace(pattern, (table) => names.get(table)!);
}

/** How many statement texts a renamer remembers: a projection has a few dozen; more means SQL built with varying text. */
const RENAMED_CACHE_SIZE = 512;

/**
 * `renameTables` for one generation's names, remembered per statement text: a rebuild sends the
 * same few statements once per event, and building the pattern and rewriting each time cost more
 * than running them. Past its bound it forgets everything and starts again (correct either way).
 */
export class ShadowRenamer {
  private readonly renamed: BoundedMemo<string, string>;

  constructor(names: ShadowNames) {
    this.renamed = new BoundedMemo(RENAMED_CACHE_SIZE, (sql) => renameTables(sql, names));
  }

  rename(sql: string): string {
    return this.renamed.get(sql);
  }
}

/** The projection's statements, sent to its shadow tables. */
export function shadowSql(tx: ViewSql, names: ShadowNames | ShadowRenamer): ViewSql {
  const renamer = names instanceof ShadowRenamer ? names : new ShadowRenamer(names);
  return {
    run: (sql, params) => tx.run(renamer.rename(sql), params),
    all: <Row extends object>(sql: string, params?: readonly unknown[]) => tx.all<Row>(renamer.rename(sql), params),
  };
}

/** The column names a CREATE TABLE statement declares (table constraints left out). */
export function columnsOf(ddl: string): string[] {
  const body = ddl.slice(ddl.indexOf('(') + 1, ddl.lastIndexOf(')'));
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of body) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts
    .map((part) => part.trim().split(/\s+/)[0] ?? '')
    .filter((word) => word !== '' && !/^(PRIMARY|UNIQUE|CONSTRAINT|FOREIGN|CHECK)$/i.test(word))
    .map((word) => word.replace(/^"|"$/g, ''));
}

/** Refuses a projection whose SQL `renameTables` could not rewrite safely. */
export function assertRenamable(projection: Projection): void {
  const tables = new Set(Object.keys(projection.tables));
  for (const [table, ddl] of Object.entries(projection.tables)) {
    const clash = columnsOf(ddl).find((column) => tables.has(column));
    if (clash) {
      throw new IllegalStateError('projections.rebuild.column_named_like_table', `projection ${projection.name}: column ${table}.${clash} shares its name with a table of the projection, so its SQL cannot be sent to shadow tables`, { projection: projection.name, table, column: clash });
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
