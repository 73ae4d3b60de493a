/**
 * The import-graph check of `npm run lint` (dependency-cruiser): no circle of imports anywhere in
 * the code. Which folder may import which is ESLint's job (eslint.config.js); a circle runs through
 * several files, which a rule that looks at one file cannot see. tests/unit/import-graph.test.ts
 * proves that it fires.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A circle of imports: modules see each other half-initialised while they load, and no one part can be read or tested alone. ' +
        'Pass narrow dependencies down instead of importing a type back up (STYLE.md).',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    // Type-only imports count: a type imported back up closes a circle as surely as a value does.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|out|dist|coverage)/' },
  },
};
