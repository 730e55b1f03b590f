/**
 * The import rules of DESIGN.md's layout, checked by `npm run lint`:
 * commands → cli → core areas (import, publish, consume, query) → mapping (the mapping language,
 * shared by import and consume) → deployment, pubsub, config, errors, objects, runtime, ui; the engine
 * imports nothing of the CLI; no cycles anywhere.
 */
const CORE = '^src/(import|publish|consume|query)/'
const MAPPING = '^src/mapping/'
const GROUND = '^src/(deployment|pubsub|config|runtime|ui|errors\\.ts|objects\\.ts)'
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'only-commands-import-commands',
      severity: 'error',
      from: { pathNot: '^src/commands/' },
      to: { path: '^src/commands/' },
    },
    {
      name: 'cli-above-core',
      severity: 'error',
      from: { path: `${CORE}|${MAPPING}|${GROUND}|^src/engine/` },
      to: { path: '^src/cli/' },
    },
    {
      name: 'core-above-ground',
      severity: 'error',
      from: { path: `${GROUND}|^src/engine/` },
      to: { path: CORE },
    },
    {
      name: 'mapping-below-core',
      severity: 'error',
      from: { path: MAPPING },
      to: { path: `${CORE}|^src/engine/` },
    },
    {
      name: 'ground-below-mapping',
      severity: 'error',
      from: { path: GROUND },
      to: { path: MAPPING },
    },
    {
      name: 'engine-knows-no-cli',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: '^src/(commands|cli|import|publish|consume|query|mapping|deployment|pubsub|ui)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|node_modules)/' },
  },
}
