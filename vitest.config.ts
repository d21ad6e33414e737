import { transform } from "esbuild";
import { defineConfig, type Plugin } from "vitest/config";

// Vite 8's own transform does not lower TC39 decorators, which Node 20 cannot run.
// esbuild does, so every TypeScript file goes through it first.
function lowerDecorators(): Plugin {
  return {
    name: "resque-ts:lower-decorators",
    enforce: "pre",
    async transform(code, id) {
      const file = id.split("?")[0] ?? "";
      if (!/\.[cm]?tsx?$/.test(file)) return null;
      const result = await transform(code, {
        loader: file.endsWith("x") ? "tsx" : "ts",
        // The dashboard's views (src/web/) are hono/jsx.
        jsx: "automatic",
        jsxImportSource: "hono/jsx",
        target: "es2022",
        sourcemap: true,
        sourcefile: id,
      });
      return { code: result.code, map: result.map };
    },
  };
}

export default defineConfig({
  plugins: [lowerDecorators()],
  // Examples import the package by name, as users do; point it at the source.
  resolve: { alias: { "resque-ts": new URL("./src/index.ts", import.meta.url).pathname } },
  test: {
    include: ["test/**/*.test.ts"],
    // Type tests: test/types/*.test-d.ts are checked by tsc (expectTypeOf, @ts-expect-error), not run.
    // Errors elsewhere are for `tsc --noEmit` to report, not for this.
    typecheck: { enabled: true, include: ["test/types/**/*.test-d.ts"], tsconfig: "./tsconfig.json", ignoreSourceErrors: true },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});
