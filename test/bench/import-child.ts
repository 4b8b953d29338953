import { runImportScores } from '../../infra/commands/import-scores.js';

// Runs the import command in this process, then reports the process's peak memory.
const code = await runImportScores(process.argv.slice(2), process.env, {
  out: (line: string) => console.log(line),
  err: () => {},
});
console.log(`max-rss-kib ${process.resourceUsage().maxRSS}`);
process.exit(code);
