/**
 * A signature as plain data, as Celery carries it inside a message (`link`, `link_error`, `chain`,
 * `chord`): the task's name, its arguments and its options. Canvas primitives are signatures whose
 * `subtaskType` says what they hold.
 */
export interface SignatureOptions {
  taskId?: string;
  queue?: string;
  countdown?: number;
  eta?: number;
  expires?: number;
  priority?: number;
  link?: SignatureData[];
  linkError?: SignatureData[];
  groupId?: string;
  groupIndex?: number;
  chord?: SignatureData | null;
  maxRetries?: number | null;
  timeLimit?: number;
  softTimeLimit?: number;
  ignoreResult?: boolean;
  [key: string]: unknown;
}

export interface SignatureData {
  task: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  options: SignatureOptions;
  immutable: boolean;
  /** null for a plain task; "chain", "group", "chord", "chunks", "xmap", "xstarmap" for the canvas. */
  subtaskType: string | null;
  /** Members of a chain or a group, the header of a chord. */
  tasks?: SignatureData[];
  /** A chord's callback. */
  body?: SignatureData | null;
}

/** A signature as Celery's dict form has it (`dict(sig)`, what travels in a message). */
export interface SignatureDict {
  task: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  options?: Record<string, unknown>;
  immutable?: boolean;
  subtask_type?: string | null;
  subtaskType?: string | null;
  tasks?: SignatureDict[];
  body?: SignatureDict | null;
}
