/**
 * The course catalogue: learning paths in order, each with its labs in order. Plain data; a lab's
 * id is its folder name under labs/ and the `id` in its README's frontmatter.
 */
export interface LabPath {
  /** Stable id of the path (used in progress records). */
  id: string;
  /** The path's name as the seed's learning paths call it, shown in the catalogue. */
  title: string;
  /** Lab ids (folder names), in the order they are taken. */
  labs: string[];
}

export const PATHS: LabPath[] = [
  {
    id: "foundations",
    title: "Foundations",
    labs: ["1.1-broker-comparison", "1.2-task-execution", "1.3-error-handling"],
  },
  {
    id: "intermediate",
    title: "Intermediate",
    labs: ["2.1-canvas-workflows", "2.2-realtime-monitoring"],
  },
  {
    id: "advanced",
    title: "Advanced",
    labs: ["3.1-custom-extensions", "3.2-performance-profiling"],
  },
  {
    id: "production",
    title: "Production",
    labs: ["4.1-deployment-at-scale", "4.2-testing-and-ci"],
  },
  {
    id: "capstone",
    title: "Capstone",
    labs: ["c1-event-platform"],
  },
  {
    id: "pitfalls",
    title: "Pitfalls",
    labs: [
      "p1-eta-visibility-timeout",
      "p2-prefetch-head-of-line",
      "p3-rate-limit-per-worker",
      "p4-get-inside-task",
      "p5-unconsumed-queue",
    ],
  },
];

/** Every lab id, in course order. */
export const LAB_IDS: string[] = PATHS.flatMap((p) => p.labs);
