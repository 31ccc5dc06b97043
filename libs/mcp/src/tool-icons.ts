import type { Icon } from '@modelcontextprotocol/server';

/**
 * The icons clients show beside tools (and the server): small SVGs, one per family of tools,
 * inlined as data URIs so a client needs no second request, no host to trust and no network.
 * Stroke-only outlines in currentColor's place (#555): legible on light and dark themes.
 */
const svg = (body: string): Icon[] => [{
  src: `data:image/svg+xml;base64,${Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="#555" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${body}</svg>`).toString('base64')}`,
  mimeType: 'image/svg+xml',
  sizes: ['any'],
}];

const ICONS = {
  memory: svg('<ellipse cx="12" cy="6" rx="7" ry="3"/><path d="M5 6v12c0 1.7 3.1 3 7 3s7-1.3 7-3V6"/><path d="M5 12c0 1.7 3.1 3 7 3s7-1.3 7-3"/>'),
  run: svg('<circle cx="12" cy="12" r="9"/><path d="M10 8l6 4-6 4z"/>'),
  approval: svg('<circle cx="12" cy="12" r="9"/><path d="M8 12l3 3 5-6"/>'),
  connector: svg('<path d="M9 7V3M15 7V3"/><rect x="6" y="7" width="12" height="6" rx="2"/><path d="M12 13v4a3 3 0 0 1-3 3H7"/>'),
  audit: svg('<path d="M9 6h11M9 12h11M9 18h11"/><path d="M4 6h.01M4 12h.01M4 18h.01"/>'),
  grant: svg('<circle cx="8" cy="15" r="4"/><path d="M11 12l9-9M17 6l3 3"/>'),
  policy: svg('<path d="M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z"/><path d="M9 12l2 2 4-4"/>'),
  tool: svg('<path d="M14.7 6.3a4 4 0 0 0-5.4 5.4L4 17v3h3l5.3-5.3a4 4 0 0 0 5.4-5.4l-2.6 2.6-2.4-2.4z"/>'),
} satisfies Record<string, Icon[]>;

/** The icons of a tool, by its family (its name's prefix); an automation's tool starts a run. */
export function toolIcons(name: string, scope: string): Icon[] {
  if (scope.startsWith('automation:') && !name.startsWith('automation_')) return ICONS.run;
  const family = name.split('_')[0];
  switch (family) {
    case 'memory': return ICONS.memory;
    case 'automation':
    case 'run': return ICONS.run;
    case 'approval': return ICONS.approval;
    case 'connector': return ICONS.connector;
    case 'audit': return ICONS.audit;
    case 'grant': return ICONS.grant;
    case 'policy': return ICONS.policy;
    default: return ICONS.tool;
  }
}
