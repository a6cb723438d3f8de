import { describe, expect, it } from "vitest";
import { taskEventsNotice } from "./events-notice";

const model = (workers: [string, boolean][]) => ({
  hostnames: new Map(workers.map(([h], i) => [i, h])),
  taskEvents: new Map(workers.map(([, on], i) => [i, on])),
});

describe("the dashboard's task-events notice", () => {
  it("says nothing before any worker is seen, or when every worker sends task events", () => {
    expect(taskEventsNotice(model([]))).toBeNull();
    expect(taskEventsNotice(model([["w1", true], ["w2", true]]))).toBeNull();
  });

  it("names the setting and -E when no worker sends task events", () => {
    const n = taskEventsNotice(model([["w1", false], ["w2", false]]))!;
    expect(n).toMatch(/^No worker sends task events: Flower \(and app.events\) would see no tasks from them\./);
    expect(n).toContain("workerSendTaskEvents: true }) (celery worker -E)");
  });

  it("names the workers that send none when only some do", () => {
    expect(taskEventsNotice(model([["w1", true], ["w2", false]]))).toMatch(/^w2 sends no task events: .* from it\./);
  });
});
