/** One `faultline` command. */
export interface Command {
  summary: string;
  /** Returns the exit code. */
  run(args: string[]): Promise<number>;
}
