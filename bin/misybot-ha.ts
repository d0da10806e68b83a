import { runCli } from './cli';
import { commands } from './commands';

runCli(
  process.argv.slice(2),
  commands,
  { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) },
  process.env.MISYBOT_DEBUG === '1',
).then((code) => {
  process.exitCode = code;
});
