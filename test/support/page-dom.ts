/**
 * The little of the DOM that the functions run inside pages (page.evaluate, init scripts) touch,
 * typed here because the project compiles without lib "dom". Those functions are serialised and
 * run in the browser: they reach these through `globalThis as unknown as PageGlobals`, and close
 * over nothing.
 */
export interface DomElement {
  readonly tagName: string;
  readonly id: string;
  readonly outerHTML: string;
  readonly textContent: string | null;
  getAttributeNames(): string[];
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { readonly left: number; readonly right: number };
}

/** An <input>, <textarea> or <select>: its value is not in its outerHTML once the person typed. */
export interface DomField extends DomElement {
  readonly value: string;
  readonly checked: boolean;
  readonly type: string;
  readonly name: string;
}

export interface DomStorage {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
}

export interface PageGlobals {
  readonly document: {
    readonly documentElement: DomElement;
    readonly scrollingElement: { readonly scrollWidth: number; readonly clientWidth: number } | null;
    readonly activeElement: DomElement | null;
    querySelectorAll(selectors: string): ArrayLike<DomElement>;
    addEventListener(type: 'securitypolicyviolation', listener: (event: DomSecurityPolicyViolation) => void): void;
  };
  readonly location: { readonly href: string };
  readonly sessionStorage: DomStorage;
  readonly indexedDB: { databases(): Promise<ReadonlyArray<{ readonly name?: string }>> };
  readonly innerWidth: number;
}

export interface DomSecurityPolicyViolation {
  readonly violatedDirective: string;
  readonly effectiveDirective: string;
  readonly blockedURI: string;
  readonly documentURI: string;
  readonly sourceFile: string;
  readonly lineNumber: number;
  readonly sample: string;
}
