import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pairSource } from "./pair-source";

describe("a pair's TypeScript half", () => {
  const dir = mkdtempSync(join(tmpdir(), "pairs-"));
  writeFileSync(join(dir, "base.ts"), `// Simulator half of base.py.\nimport { Celery } from "celery";\nconst app = new Celery("base");\nexport default async function main() { return 1; }\n`);

  it("is its own file, or for a RabbitMQ twin its base's, named for the twin and on RabbitMQ, line for line", () => {
    writeFileSync(join(dir, "base_amqp.ts"), "// Simulator half of base_amqp.py: base.ts on RabbitMQ.\n");
    expect(pairSource(dir, "base")).toBe(`// Simulator half of base.py.\nimport { Celery } from "celery";\nconst app = new Celery("base");\nexport default async function main() { return 1; }\n`);
    expect(pairSource(dir, "base_amqp")).toBe(`// Simulator half of base_amqp.py.\nimport { Celery } from "celery";\nconst app = new Celery("base_amqp", { broker: "rabbitmq" });\nexport default async function main() { return 1; }\n`);
  });

  it("refuses a twin naming another Python half, and a base whose app it cannot find", () => {
    writeFileSync(join(dir, "wrong_amqp.ts"), "// Simulator half of other_amqp.py: base.ts on RabbitMQ.\n");
    expect(() => pairSource(dir, "wrong_amqp")).toThrow(/wrong_amqp\.ts names other_amqp\.py/);
    writeFileSync(join(dir, "odd.ts"), `// Simulator half of odd.py.\nimport { Celery } from "celery";\nconst app = new Celery("odd", { broker: "redis" });\n`);
    writeFileSync(join(dir, "odd_amqp.ts"), "// Simulator half of odd_amqp.py: odd.ts on RabbitMQ.\n");
    expect(() => pairSource(dir, "odd_amqp")).toThrow(/odd\.ts does not start with .* or build its app as `const app = new Celery\("odd"\);` once/);
  });
});
