/** A command's result, on standard output (logs and errors go to standard error). */
export const print = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};
