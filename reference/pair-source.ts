/**
 * A reference pair's TypeScript half: reference/pairs/<pair>.ts. A RabbitMQ twin whose Python half
 * imports its base's module (pool_child_cycle_amqp.py: `define('pool_child_cycle_amqp', broker='amqp')`)
 * may say only which base it runs, in one line:
 *
 *     // Simulator half of pool_child_cycle_amqp.py: pool_child_cycle.ts on RabbitMQ.
 *
 * Its source is then the base's with the app named for the twin and on RabbitMQ (the one line that
 * differs), so the two halves cannot drift apart. The base must build its app as
 * `new Celery("<base>")` on its own line.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const TWIN = /^\/\/ Simulator half of (\w+)\.py: (\w+)\.ts on RabbitMQ\.\s*$/;

export function pairSource(pairsDir: string, pair: string): string {
  const own = readFileSync(join(pairsDir, pair + ".ts"), "utf8");
  const twin = TWIN.exec(own);
  if (!twin) return own;
  const [, name, base] = twin as unknown as [string, string, string];
  if (name !== pair) throw new Error(`reference/pairs/${pair}.ts names ${name}.py as its Python half`);
  const source = readFileSync(join(pairsDir, base + ".ts"), "utf8");
  const header = `// Simulator half of ${base}.py.\n`;
  const app = `const app = new Celery(${JSON.stringify(base)});\n`;
  if (!source.startsWith(header) || source.split(app).length !== 2) {
    throw new Error(`reference/pairs/${pair}.ts is ${base}.ts on RabbitMQ, but ${base}.ts does not start with "${header.trim()}" or build its app as \`${app.trim()}\` once`);
  }
  return source.replace(header, `// Simulator half of ${pair}.py.\n`).replace(app, `const app = new Celery(${JSON.stringify(pair)}, { broker: "rabbitmq" });\n`);
}
