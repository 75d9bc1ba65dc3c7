// ESLint flat config. It lives in .ci/ to keep the top level to the agreed shape;
// basePath points it at the repository root.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { basePath: "..", ignores: ["**/node_modules/**", "**/dist/**", ".changeset/**"] },
  {
    basePath: "..",
    files: ["**/*.ts"],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-floating-promises": "off",
      "no-console": ["error", { allow: ["warn", "error"] }],
      eqeqeq: ["error", "always"],
    },
  },
  {
    // A package's src/ is grouped into concept folders; a file outside a folder uses only what
    // the folder's index.ts exports, never the files behind it.
    basePath: "..",
    files: ["**/packages/*/src/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["./*/*", "!./*/index.js", "../*/*", "!../*/index.js", "../../*"],
              message: "Import another folder through its index.ts (add the name there if it is missing).",
            },
          ],
        },
      ],
    },
  },
  {
    basePath: "..",
    files: ["**/packages/*/examples/**/*.ts", "**/packages/*/src/cli.ts"],
    rules: { "no-console": "off" },
  },
);
