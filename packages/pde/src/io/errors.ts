import { ModewiseError } from "@modewise/tensor";

/**
 * A file that cannot be read as what it claims to be: missing, truncated, corrupt, or laid out
 * in a way we do not support. Names the reading function, the file, what was expected and what
 * was found, like the argument errors of @modewise/tensor.
 */
export class FileFormatError extends ModewiseError {
  constructor(
    fn: string,
    readonly path: string,
    expected: string,
    received: string,
  ) {
    super(
      `${fn}: file '${path}' expected ${expected}, found ${received}`,
      fn,
      "path",
      expected,
      received,
    );
  }
}
