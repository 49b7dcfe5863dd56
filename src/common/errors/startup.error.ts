/** A reason the server cannot start, in one line that says what to do; main.ts prints it without a stack. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}
