/** What a workload prints: its figures, then its ratio lines, which end the run's output. */
export interface WorkloadFigures {
  lines: string[];
  ratios: string[];
}
