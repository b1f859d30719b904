// `make lint` for the sidebar's TypeScript: eslint's and typescript-eslint's recommended rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['lib/', 'prebuilt/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // JupyterLab's convention, which the panel follows: a `CommandIDs` namespace and a namespace of
      // REST JSON types (src/widgets/commandIds.ts, src/tokens.ts).
      '@typescript-eslint/no-namespace': 'off',
    },
  },
);
