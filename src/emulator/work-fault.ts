/** How a scripted `operation-fails` / `operation-stuck` fault reaches the work it targets. */
export interface WorkFault {
  outcome: 'fail' | 'stuck';
  error: WorkFailure;
  /** Called when the work is really created, so a refused request does not use up the rule. */
  claim(): void;
}

export interface WorkFailure {
  title: string;
  detail: string;
  code: number;
}
