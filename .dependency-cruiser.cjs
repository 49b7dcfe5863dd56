/** Import rules of src/ (README "Layout"): checked by `npm run lint:imports`, part of `npm run lint` and CI. */
const GROUND = '(access|common|config|database|events|http|redis)';

module.exports = {
  forbidden: [
    {
      name: 'ground-imports-no-feature',
      comment:
        'The ground folders (access, common, config, database, events, http, redis) are what features build on: ' +
        'they import nothing from a feature folder.',
      severity: 'error',
      from: { path: `^src/${GROUND}/` },
      to: { path: '^src/', pathNot: [`^src/${GROUND}/`] },
    },
    {
      name: 'no-folder-cycles',
      comment: 'No two folders of src/ import each other, directly or through others.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-file-cycles',
      comment: 'No import cycle between files.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.spec\\.ts$' },
  },
};
