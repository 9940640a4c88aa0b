import { statSync } from "node:fs";
import type { Command } from "commander";
import { registerSyntheticMunicipalities, writeScaleFile } from "~/modules/declarations/scale-profile.server";
import { CliFailure, withRuntime } from "../shared.server";

/** `demo …`: synthetic data for scale tests. */

const wholeNumber = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliFailure(`${name} must be a whole number from ${min} to ${max}, not ${v}`);
  return n;
};

export function registerDemoCommands(program: Command): void {
  program
    .command("demo")
    .description("synthetic data for scale tests")
    .command("scale")
    .description("write a scale-profile declaration file (synthetic municipalities GM5001… and providers), streamed; --register adds the municipalities and their population so it imports")
    .requiredOption("--lines <n>", "number of declaration lines", wholeNumber("--lines", 1, 1_000_000_000))
    .requiredOption("--out <file>", "where to write the CSV")
    .option("--municipalities <n>", "synthetic municipalities (default 342)", wholeNumber("--municipalities", 1, 999))
    .option("--providers <n>", "synthetic providers (default 3000)", wholeNumber("--providers", 1, 10_000))
    .option("--first-year <year>", "first service year (default 2022)", wholeNumber("--first-year", 2000, 2100))
    .option("--years <n>", "number of years (default 4)", wholeNumber("--years", 1, 20))
    .option("--seed <n>", "random seed (same seed, same file)", wholeNumber("--seed", 0, 2 ** 31))
    .option("--register", "add the synthetic municipalities and their population to the database")
    .action((options: { lines: number; out: string; municipalities?: number; providers?: number; firstYear?: number; years?: number; seed?: number; register?: boolean }) =>
      withRuntime(async ({ handle }) => {
        const profile = { lines: options.lines, municipalities: options.municipalities, providers: options.providers, firstYear: options.firstYear, years: options.years, seed: options.seed };
        const started = Date.now();
        await writeScaleFile(options.out, profile);
        process.stderr.write(`Wrote ${options.lines} lines to ${options.out} in ${((Date.now() - started) / 1000).toFixed(1)} s (${statSync(options.out).size} bytes).\n`);
        if (options.register) {
          const count = await registerSyntheticMunicipalities(handle.db, profile);
          process.stdout.write(`Registered ${count} synthetic municipalities.\n`);
        }
      }),
    );
}
