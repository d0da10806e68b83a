/** The build every package shares; each package's tsdown.config.ts re-exports it (paths are the package's own). */
import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  platform: 'node',
  target: 'node20',
  // isolatedDeclarations (tsconfig) lets oxc write the declarations: TypeScript 7 has no compiler API.
  dts: { oxc: true },
  sourcemap: false,
  clean: true,
});
