/**
 * The few browser globals the in-page scripts of the e2e tests touch, typed here because the Node
 * project these tests compile in has no DOM types. Inside `page.evaluate` they are reached as
 * `(globalThis as unknown as PageGlobals)`; the import is type-only, so nothing is sent to the page.
 */
export type PageElement = { textContent: string | null; scrollTop: number; scrollHeight: number; clientHeight: number };

type PerformanceEntryLike = { duration: number };

export type PageGlobals = {
  document: {
    querySelector(selector: string): PageElement | null;
    querySelectorAll(selector: string): { length: number };
  };
  addEventListener(type: string, listener: () => void, capture?: boolean): void;
  PerformanceObserver: new (callback: (list: { getEntries(): PerformanceEntryLike[] }) => void) => {
    observe(options: { type: string; buffered?: boolean }): void;
  };
  /** Set by a test, to prove later that the page was not reloaded in between. */
  notReloaded?: boolean;
  benchT0?: number;
  benchT1?: number;
  benchLastKey?: number;
  benchLongTasks?: number[];
};

type ComputedStyleLike = { fontWeight: string; fontSize: string; fontFamily: string; paddingLeft: string; paddingRight: string };

/** What the layout tests measure with: computed styles and a canvas to measure text. */
export type MeasuringGlobals = {
  getComputedStyle(element: unknown): ComputedStyleLike;
  document: {
    documentElement: unknown;
    createElement(tag: 'canvas'): { getContext(kind: '2d'): { font: string; measureText(text: string): { width: number } } | null };
  };
};

/** A closed select, as far as measuring its choices goes. */
export type SelectLike = { clientWidth: number; options: ArrayLike<{ text: string }> };
