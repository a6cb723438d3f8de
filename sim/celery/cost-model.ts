/**
 * The cost model of one run: its mode, and what Celery's own work costs the process doing it. The
 * constants are in costs.ts; the cores and their sharing in ../world/host.ts.
 */
import type { ExecContext, Sim } from "../engine/sim";
import type { Hosts, Lane } from "../world/host";
import { COSTS, type CostMode, type CostTable } from "./costs";
import type { Transport } from "./broker";

/** Realistic: Celery's measured overheads are on unless a scenario, an experiment or the CLI says "ideal". */
export const DEFAULT_COST_MODE: CostMode = "realistic";

export class CostModel {
  mode: CostMode = DEFAULT_COST_MODE;
  /** Lanes (processes) that have published once: connection set-up is paid once per process. */
  private readonly connected = new WeakSet<Lane>();
  /** Pool children that have made their result backend's client (on a first store or publish). */
  private readonly backendMade = new WeakSet<Lane>();
  /** Each broker server's process on the default host (keyed by the broker). */
  private readonly brokerLanes = new WeakMap<object, Lane>();

  constructor(
    private readonly sim: Sim,
    private readonly hosts: Hosts,
  ) {}

  get realistic(): boolean {
    return this.mode === "realistic";
  }

  table(transport: Transport): CostTable {
    return COSTS[transport];
  }

  /** The process `ctx`'s code runs in: its task's pool child or interpreter, else the client. */
  laneFor(ctx: ExecContext): Lane {
    return (ctx.lane as Lane | null) ?? this.hosts.clientLane;
  }

  /** CPU seconds a body's `cpu(s)` takes in `lane` (a prefork child is slower, M4). */
  cpuSeconds(lane: Lane, seconds: number): number {
    return this.realistic && lane.kind === "prefork-child" ? seconds * COSTS.redis.preforkCpuFactor : seconds;
  }

  /** Pool child `lane` uses its result backend: true the first time (it makes the backend's client then). */
  firstBackendUse(lane: Lane): boolean {
    if (this.backendMade.has(lane)) return false;
    this.backendMade.add(lane);
    return true;
  }

  /** A first publish from `lane` connects (and declares): its cost the first time, 0 later. */
  connectS(lane: Lane, t: CostTable): number {
    if (this.connected.has(lane)) return 0;
    this.connected.add(lane);
    return lane.kind === "prefork-child" ? t.childFirstPublishS : t.firstPublishS;
  }

  /**
   * A publish from pool child `lane` whose app has a Redis result backend makes the AsyncResult it
   * returns, and with it the child's backend client the first time: its cost then, 0 later.
   */
  backendClientS(lane: Lane, t: CostTable, redisBackend: boolean): number {
    return lane.kind === "prefork-child" && redisBackend && this.firstBackendUse(lane) ? t.childBackendOnPublishS : 0;
  }

  /** The client's CPU to receive and decode a result it fetched (M6 store_get), on its host's cores. */
  fetchResult(ctx: ExecContext, transport: Transport): Promise<void> {
    const lane = this.laneFor(ctx);
    return lane.host.burn(ctx, lane, this.table(transport).getResultS);
  }

  /**
   * A publish's CPU: a debt of the calling code (a synchronous `delay()` cannot wait: its next await
   * resumes that much later, see ExecContext.busyUntilS) and work on its process's host, so the cores
   * it takes are not the workers' (M6: a worker consuming while the client publishes is slower than
   * one draining a backlog, M3). The first publish of a process also connects and declares (M1).
   * A pool child's publishes cost more (childPublishS), and where the publishing app has a Redis
   * result backend the child's first use of it makes its client (childBackendOnPublishS).
   * Returns how long from now the caller is busy: when a publish that waits for it is done.
   */
  chargePublish(ctx: ExecContext, transport: Transport, cpuS: number, broker: object, redisBackend: boolean): number {
    const lane = this.laneFor(ctx);
    const t = this.table(transport);
    cpuS += this.connectS(lane, t);
    if (lane.kind === "prefork-child") cpuS += t.childPublishS + this.backendClientS(lane, t, redisBackend);
    ctx.busyUntilS = Math.max(ctx.busyUntilS, this.sim.nowS) + cpuS;
    lane.host.run(lane, cpuS);
    // The broker server's own work for the message, on the machine it runs on.
    if (t.brokerPerMessageS > 0) {
      let b = this.brokerLanes.get(broker);
      if (!b) this.brokerLanes.set(broker, (b = this.hosts.localhost.lane("broker", `${transport} server`)));
      b.host.run(b, t.brokerPerMessageS);
    }
    return ctx.busyUntilS - this.sim.nowS;
  }
}

/** The Celery() option `costs: "ideal" | "realistic"`. */
export function configureCosts(model: CostModel, costs: unknown): void {
  if (costs === undefined) return;
  if (costs !== "ideal" && costs !== "realistic") throw new TypeError(`costs must be "realistic" or "ideal" (got ${JSON.stringify(costs)})`);
  model.mode = costs;
}
